#!/usr/bin/env python3
"""End-to-end self-check of the sandbox: starts real instances and talks HTTP to them.

    python3 sandbox/selftest.py        # prints one line per check, exits 1 if any failed
"""

import base64
import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # the sandbox leaves no __pycache__ behind, nor does its check
from selftest_lib import ACC, CREDS, HERE, ISO, Client, check, failures, start  # noqa: E402
import selftest_catalog  # noqa: E402
import selftest_resources  # noqa: E402


def test_auth(c, port):
    status, body, _ = c.call("POST", "/oauth2/token", CREDS, auth=False)
    check("token: 200 with access_token and token_type Bearer, no expires_in",
          status == 200 and set(body) == {"access_token", "token_type"} and body["token_type"] == "Bearer", body)
    token = body["access_token"]
    parts = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)
    header = json.loads(base64.urlsafe_b64decode(pad(parts[0])))
    claims = json.loads(base64.urlsafe_b64decode(pad(parts[1])))
    check("token: JWT HS256 with sub/iat/exp/jti, no padding",
          header == {"alg": "HS256", "typ": "JWT"} and claims["sub"] == "sandbox-client-id"
          and claims["exp"] - claims["iat"] == 3600 and claims["jti"] and "=" not in token, claims)
    jwt = Client(port, token)
    check("token: issued token works", jwt.call("GET", ACC + "/contacts")[0] == 200)
    check("token: scheme is case-insensitive",
          c.call("GET", ACC + "/contacts", headers={"Authorization": "bearer " + token})[0] == 200)

    check("token: bad secret -> 401 AUTH-002",
          c.code("POST", "/oauth2/token", {**CREDS, "client_secret": "x"}, auth=False) == (401, "AUTH-002"))
    check("token: wrong grant_type -> 400 REQ-001",
          c.code("POST", "/oauth2/token", {**CREDS, "grant_type": "password"}, auth=False) == (400, "REQ-001"))
    check("token: form body -> 400 REQ-001",
          c.code("POST", "/oauth2/token", raw=b"grant_type=client_credentials", auth=False,
                 ctype="application/x-www-form-urlencoded") == (400, "REQ-001"))
    check("token: /v1/oauth2/token does not exist",
          c.code("POST", "/v1/oauth2/token", CREDS, auth=False) == (404, "REQ-404"))

    for name, headers in [("no header", {}), ("Basic scheme", {"Authorization": "Basic abc"}),
                          ("unknown token", {"Authorization": "Bearer nope"}),
                          ("tampered JWT", {"Authorization": "Bearer " + token[:-2] + "AA"})]:
        status, code = Client(port).code("GET", ACC + "/contacts", auth=False, headers=headers)
        check(f"401 AUTH-001: {name}", (status, code) == (401, "AUTH-001"), (status, code))
    c.call("POST", "/_sandbox/expire-tokens", {})
    check("expire-tokens: issued token now 401", jwt.code("GET", ACC + "/contacts") == (401, "AUTH-001"))
    check("expire-tokens: static token unaffected", c.call("GET", ACC + "/contacts")[0] == 200)
    c.call("POST", "/_sandbox/config", {"token_lifetime": 0})
    short = c.call("POST", "/oauth2/token", CREDS, auth=False)[1]["access_token"]
    check("config token_lifetime 0: token born expired",
          Client(port, short).code("GET", ACC + "/contacts") == (401, "AUTH-001"))
    c.call("POST", "/_sandbox/reset")
    check("reset: lifetime back to 3600", c.call("GET", "/_sandbox/config")[1] == {"token_lifetime": 3600})
    check("unknown account -> 404 ACCT-008", c.code("GET", "/v1/accounts/nope/contacts") == (404, "ACCT-008"))


def test_contacts(c):
    c.call("POST", "/_sandbox/reset")
    status, body, _ = c.call("POST", ACC + "/contacts", {
        "firstName": "Ann", "lastName": "Lee", "email": "ann@example.com",
        "mobile": {"number": "+1 (555) 010-0001", "country": "us"},
        "lists": [{"id": "l1"}], "attributes": {"city": "Oslo"}, "hubspot": {"id": 7},
        "id": "ignored", "valid": False, "whatever": 1})
    check("create: 201 list envelope", status == 201 and body["success"] and len(body["data"]) == 1, body)
    ann = body["data"][0]
    check("create: server id, read-only fields ignored", ann["id"] not in ("ignored", "") and ann["valid"] is True)
    check("create: mobile shape", ann["mobile"] == {"country": "US", "number": "+1 (555) 010-0001",
                                                    "verified": None, "valid": True, "lineType": "mobile"},
          ann["mobile"])
    check("create: created/updated stamps",
          ISO.fullmatch(ann["created"]["at"]) and ann["created"]["by"]["source"] == "api"
          and ISO.fullmatch(ann["updated"]["at"]), ann["created"])
    check("create: no unknown or absent optional fields",
          "whatever" not in ann and "optIn" not in ann and "pipedrive" not in ann and "error" not in ann)
    path = f"{ACC}/contacts/{ann['id']}"
    check("get: 200 same contact", c.call("GET", path)[1]["data"] == ann)

    status, body, _ = c.call("PUT", path, {"firstName": "Bob", "mobile": {"number": "+15550100001"}})
    bob = body["data"]
    check("put: replaces (absent writable fields cleared)",
          status == 200 and bob["firstName"] == "Bob" and "email" not in bob and "lastName" not in bob
          and bob["lists"] == [] and bob["attributes"] == {} and "hubspot" not in bob
          and "country" not in bob["mobile"], bob)
    check("put: created kept, id kept", bob["created"] == ann["created"] and bob["id"] == ann["id"])
    bob2 = c.call("PUT", path, {"firstName": "Bob"})[1]["data"]
    check("put: without mobile clears it", "mobile" not in bob2 and bob2["valid"] is False, bob2)
    check("put: invalid mobile -> 400 CONT-001",
          c.code("PUT", path, {"mobile": {"number": "12"}}) == (400, "CONT-001"))
    check("put: unknown id -> 404 CONT-002",
          c.code("PUT", ACC + "/contacts/nope", {"firstName": "x"}) == (404, "CONT-002"))
    check("delete: 200 success", c.call("DELETE", path)[1] == {"success": True})
    check("delete: then 404 CONT-002", c.code("GET", path) == (404, "CONT-002"))
    check("delete: again 404 CONT-002", c.code("DELETE", path) == (404, "CONT-002"))

    for name, body in [("missing mobile", {"firstName": "x"}), ("letters", {"mobile": {"number": "12ab345678"}}),
                       ("too short", {"mobile": {"number": "123456"}}),
                       ("16 digits", {"mobile": {"number": "+1234567890123456"}}),
                       ("3-letter country", {"mobile": {"number": "+15550100002", "country": "USA"}})]:
        check(f"create: {name} -> 400 CONT-001",
              c.code("POST", ACC + "/contacts", body) == (400, "CONT-001"))
    for name, body in [("firstName number", {"firstName": 5}), ("lists object", {"lists": {}}),
                       ("hubspot id string", {"hubspot": {"id": "7"}}), ("optIn not a date", {"optIn": "soon"}),
                       ("email null", {"email": None}), ("mobile.number number", {"mobile": {"number": 155501}})]:
        status, body_, _ = c.call("POST", ACC + "/contacts", {**body, "mobile": body.get("mobile", {"number": "+15550100003"})})
        check(f"create: {name} -> 400 REQ-003", status == 400 and body_["error"]["code"] == "REQ-003", body_)

    for name, raw, ctype in [("truncated JSON", b'{"a":', "application/json"),
                             ("NaN", b'{"mobile":{"number":"+15550100004"},"attributes":{"x":NaN}}', "application/json"),
                             ("Infinity", b'{"attributes":{"x":Infinity}}', "application/json"),
                             ("1e400", b'{"attributes":{"x":1e400}}', "application/json"),
                             ("invalid UTF-8", b'{"firstName":"\xff"}', "application/json"),
                             ("lone surrogate", b'{"firstName":"\\ud800"}', "application/json"),
                             ("array body", b'[]', "application/json"), ("empty body", b'', "application/json"),
                             ("text/plain", b'{}', "text/plain"),
                             ("latin-1 charset", b'{}', "application/json; charset=iso-8859-1")]:
        check(f"malformed: {name} -> 400 REQ-001",
              c.code("POST", ACC + "/contacts", raw=raw, ctype=ctype) == (400, "REQ-001"))
    status, _, _ = c.call("POST", ACC + "/contacts", raw=b'{"mobile":{"number":"+15550100005"}}',
                          ctype="application/json; charset=UTF-8")
    check("content type with charset=UTF-8 accepted", status == 201)


def test_merge(c):
    c.call("POST", "/_sandbox/reset")
    first = c.call("POST", ACC + "/contacts", {"firstName": "A", "email": "a@x", "attributes": {"k": 1},
                                               "mobile": {"number": "+15550100010", "country": "US"}})[1]["data"][0]
    status, body, _ = c.call("POST", ACC + "/contacts", {"lastName": "L", "mobile": {"number": "1-555-010-0010"}})
    m = body["data"][0]
    check("merge append (default): same id, provided set, others kept",
          status == 201 and m["id"] == first["id"] and m["lastName"] == "L" and m["firstName"] == "A"
          and m["attributes"] == {"k": 1}, m)
    m = c.call("POST", ACC + "/contacts?mergeStrategy=core",
               {"firstName": "C", "attributes": {"z": 2}, "mobile": {"number": "+15550100010"}})[1]["data"][0]
    check("merge core: only name/email taken", m["firstName"] == "C" and m["attributes"] == {"k": 1}, m)
    m = c.call("POST", ACC + "/contacts?mergeStrategy=remove",
               {"firstName": "R", "mobile": {"number": "+15550100010"}})[1]["data"][0]
    check("merge remove: replaces all writable", m["id"] == first["id"] and m["firstName"] == "R"
          and "email" not in m and "lastName" not in m and m["attributes"] == {}, m)
    check("merge: bad strategy -> 400 REQ-002",
          c.code("POST", ACC + "/contacts?mergeStrategy=all", {"mobile": {"number": "+15550100010"}}) == (400, "REQ-002"))
    check("merge: no duplicate created", c.call("GET", ACC + "/contacts")[1]["pagination"]["totalCount"] == 2)


def test_pagination(c):
    c.call("POST", "/_sandbox/reset")
    for i in range(24):
        c.call("POST", ACC + "/contacts", {"firstName": f"Person{i:02}", "mobile": {"number": f"+1555020{i:04}"}})
    pages = [c.call("GET", f"{ACC}/contacts?limit=10&offset={off}")[1] for off in (0, 10, 20)]
    check("pagination: 25 contacts, limit 10 -> 10/10/5",
          [len(p["data"]) for p in pages] == [10, 10, 5]
          and [p["pagination"]["hasNext"] for p in pages] == [True, True, False]
          and all(p["pagination"]["totalCount"] == 25 for p in pages), [p["pagination"] for p in pages])
    ids = [x["id"] for p in pages for x in p["data"]]
    check("pagination: no overlap, seed first", len(set(ids)) == 25 and ids[0] == "seed-contact")
    check("pagination: default limit 10", c.call("GET", ACC + "/contacts")[1]["pagination"]["limit"] == 10)
    for q in ("limit=0", "limit=101", "limit=10.0", "limit=", "offset=-1", "limit=5&limit=6"):
        check(f"pagination: {q} -> 400 REQ-002", c.code("GET", f"{ACC}/contacts?{q}") == (400, "REQ-002"))
    body = c.call("GET", ACC + "/contacts?firstName=person1&limit=100")[1]
    check("filter: firstName substring, case-insensitive", body["pagination"]["totalCount"] == 10, body["pagination"])
    body = c.call("GET", ACC + "/contacts?mobile=555-0200")[1]
    check("filter: mobile ignores punctuation", body["pagination"]["totalCount"] == 24, body["pagination"])


def test_routes(c):
    check("unknown route -> 404 REQ-404", c.code("GET", "/v1/nope") == (404, "REQ-404"))
    check("trailing slash is unknown", c.code("GET", ACC + "/contacts/") == (404, "REQ-404"))
    status, _, resp = c.call("PATCH", ACC + "/contacts/seed-contact", {})
    check("wrong method -> 405 with Allow", status == 405 and resp.getheader("Allow") == "GET, PUT, DELETE")
    _, _, resp = c.call("GET", ACC + "/contacts")
    check("JSON content type and Content-Length",
          resp.getheader("Content-Type") == "application/json" and resp.getheader("Content-Length"))


def test_chaos(c):
    c.call("POST", "/_sandbox/reset")
    check("chaos: typo and bad rate rejected",
          c.code("POST", "/_sandbox/chaos", {"seed": 1, "rate": 0.5, "kinds": ["418"]}) == (400, "REQ-003")
          and c.code("POST", "/_sandbox/chaos", {"seed": 1, "rate": 2}) == (400, "REQ-003")
          and c.code("POST", "/_sandbox/chaos", {"seed": 1, "rate": 0.5, "sede": 2}) == (400, "REQ-003"))
    c.call("POST", "/_sandbox/chaos", {"seed": 7, "rate": 0.5, "kinds": ["503"], "retry_after": "0",
                                       "path": ACC + "/contacts"})
    statuses = [c.call("GET", ACC + "/contacts/seed-contact")[0] for _ in range(200)]
    report = c.call("GET", "/_sandbox/chaos")[1]
    check("chaos: about the rate, counted, only the kinds asked",
          set(statuses) == {200, 503} and 60 < statuses.count(503) < 140
          and report["injected"] == {"503": statuses.count(503)} and report["matched"] == 200, report)
    check("chaos: other paths untouched", c.call("GET", ACC + "/messages")[0] == 200)
    c.call("POST", "/_sandbox/chaos", {"seed": 7, "rate": 0.5, "kinds": ["503"]})
    again = [c.call("GET", ACC + "/contacts/seed-contact")[0] for _ in range(200)]
    check("chaos: a seed gives the same draws", again == statuses)
    c.call("POST", "/_sandbox/reset")
    check("chaos: off after reset", c.call("GET", "/_sandbox/chaos")[1] == {"config": None})
    texts = c.call("GET", "/_sandbox/contacts")[1]["contacts"]
    check("stored contacts: canonical JSON text by id",
          list(texts) == ["seed-contact"] and texts["seed-contact"].startswith('{"activecampaign":{"id":123},'))


def test_faults_and_log(c, port):
    c.call("POST", "/_sandbox/reset")
    c.call("POST", "/_sandbox/faults", {"faults": [
        {"status": 503, "headers": {"Retry-After": "1"}, "path": ACC + "/contacts", "method": "GET", "times": 2}]})
    c.call("POST", "/oauth2/token", CREDS, auth=False)  # does not match the fault
    s1, b1, r1 = c.call("GET", ACC + "/contacts")
    s2, _, _ = c.call("GET", ACC + "/contacts?limit=1")
    s3, _, _ = c.call("GET", ACC + "/contacts")
    check("fault status: matches method+path prefix, times 2, then normal",
          (s1, s2, s3) == (503, 503, 200) and r1.getheader("Retry-After") == "1"
          and b1["error"]["code"] == "FAULT-503", (s1, s2, s3, b1))
    check("fault: typo rejected", c.code("POST", "/_sandbox/faults", {"stauts": 500}) == (400, "REQ-003"))

    c.call("POST", "/_sandbox/faults", {"delay": 1.0})
    result = {}
    slow = threading.Thread(target=lambda: result.update(s=Client(port).call("GET", ACC + "/contacts")[0]))
    t0 = time.monotonic()
    slow.start()
    time.sleep(0.2)
    other = Client(port).call("GET", "/_sandbox/config")[0]
    fast = time.monotonic() - t0
    slow.join()
    took = time.monotonic() - t0
    check("fault delay: ~1 s, other connections not blocked",
          result.get("s") == 200 and 1.0 <= took < 1.8 and other == 200 and fast < 0.6, (took, fast))

    c.call("POST", "/_sandbox/faults", {"drop": True})
    d = Client(port)
    try:
        d.call("GET", ACC + "/contacts")
        check("fault drop: no response", False, "got a response")
    except (http.client.RemoteDisconnected, ConnectionError):
        check("fault drop: closed without a response", True)
    c.call("POST", "/_sandbox/faults", {"truncate": True})
    try:
        Client(port).call("GET", ACC + "/contacts/seed-contact")
        check("fault truncate: partial body", False, "got a full body")
    except http.client.IncompleteRead as e:
        check("fault truncate: full Content-Length, partial body, closed",
              0 < len(e.partial) and e.expected > 0, (len(e.partial), e.expected))
    c.call("POST", "/_sandbox/faults", {"status": 500, "body": "<html>oops</html>", "content_type": "text/html"})
    d = Client(port)
    d.conn.request("GET", "/anything")
    resp = d.conn.getresponse()
    check("fault raw body and content type",
          resp.status == 500 and resp.read() == b"<html>oops</html>" and resp.getheader("Content-Type") == "text/html")

    c.call("POST", "/_sandbox/faults", {"drop_after": True, "method": "PUT"})
    try:
        Client(port).call("PUT", ACC + "/contacts/seed-contact", {"firstName": "Applied", "mobile": {"number": "1234567"}})
        check("fault drop_after: no response", False, "got a response")
    except (http.client.RemoteDisconnected, ConnectionError):
        after = c.call("GET", ACC + "/contacts/seed-contact")[1]["data"]
        check("fault drop_after: the PUT applied, the connection closed without a response",
              after["firstName"] == "Applied", after)
    check("fault drop_after: not with status",
          c.code("POST", "/_sandbox/faults", {"drop_after": True, "status": 500}) == (400, "REQ-003"))

    log = c.call("GET", "/_sandbox/requests")[1]["requests"]
    paths = [e["path"] for e in log]
    check("log: faulted requests logged, /_sandbox never",
          len(log) == 10 and not any(p.startswith("/_sandbox") for p in paths), paths)
    entry = log[2]
    check("log: entry shape (raw path, query lists, lowercase headers, body text)",
          entry["method"] == "GET" and entry["path"] == ACC + "/contacts?limit=1" and entry["query"] == {"limit": ["1"]}
          and entry["headers"]["authorization"] == "Bearer sandbox-token" and entry["body"] == "", entry)
    check("log: body recorded", json.loads(log[0]["body"]) == CREDS)
    c.call("DELETE", "/_sandbox/requests")
    check("log: cleared", c.call("GET", "/_sandbox/requests")[1] == {"requests": []})


def test_keepalive(port):
    c = Client(port)
    c.call("GET", ACC + "/contacts/seed-contact")
    t0 = time.monotonic()
    for _ in range(500):
        c.call("GET", ACC + "/contacts/seed-contact")
    took = time.monotonic() - t0
    check(f"keep-alive: 500 requests on one connection in {took:.2f} s (< 2 s)", took < 2.0)


def test_lifecycle(tmp):
    sleeper = subprocess.Popen(["sleep", "30"])
    proc, _, _ = start("--watch-pid", str(sleeper.pid), tmp=tmp)
    time.sleep(0.7)
    check("watch-pid: keeps running while the pid lives", proc.poll() is None)
    sleeper.kill()
    sleeper.wait()
    t0 = time.monotonic()
    try:
        proc.wait(timeout=3)
        check(f"watch-pid: exited {time.monotonic() - t0:.2f} s after the pid died", True)
    except subprocess.TimeoutExpired:
        proc.kill()
        check("watch-pid: exit", False, "still running after 3 s")
    proc, _, _ = start(tmp=tmp)
    proc.send_signal(signal.SIGTERM)
    check("SIGTERM: clean exit 0", proc.wait(timeout=3) == 0)


def test_tls(tmp):
    if not shutil.which("openssl"):
        print("skip TLS (no openssl)")
        return
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    proc, port, line = start("--tls-cert", cert, "--tls-key", key, tmp=tmp)
    try:
        ctx = ssl.create_default_context(cafile=cert)
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
        conn.request("GET", ACC + "/contacts/seed-contact", headers={"Authorization": "Bearer sandbox-token"})
        resp = conn.getresponse()
        check("TLS: https:// line and a verified 200", line.startswith("sakari sandbox listening on https://")
              and resp.status == 200 and json.loads(resp.read())["data"]["id"] == "seed-contact", line)
    finally:
        proc.terminate()
        proc.wait()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        proc, port, line = start(tmp=tmp)
        try:
            check("listening line names the port file's port",
                  line == f"sakari sandbox listening on http://127.0.0.1:{port}", line)
            c = Client(port)
            seed = c.call("GET", ACC + "/contacts/seed-contact")[1]["data"]
            with open(os.path.join(HERE, "fixtures", "seed-contact.json")) as f:
                check("seed contact equals fixtures/seed-contact.json", seed == json.load(f))
            test_auth(c, port)
            test_contacts(c)
            test_merge(c)
            test_pagination(c)
            test_routes(c)
            test_faults_and_log(Client(port), port)
            test_chaos(Client(port))
            test_keepalive(port)
        finally:
            proc.terminate()
            proc.wait()
        proc, port, _ = start("--account", "sandbox-account", "second", tmp=tmp)
        try:
            selftest_resources.run(port)
            selftest_catalog.run(port)
        finally:
            proc.terminate()
            proc.wait()
        test_lifecycle(tmp)
        test_tls(tmp)
    print(f"\n{len(failures)} failure(s)" + (": " + ", ".join(failures) if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
