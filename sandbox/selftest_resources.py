"""Self-check of the write-side resources: messages, conversations, templates, campaigns, webhooks,
CSV upload, shared files and the seed/inbound control calls."""

import csv
import io
import os
import socket

from selftest_lib import ACC, ISO, Client, check


def err(c, *args, **kw):
    status, body, _ = c.call(*args, **kw)
    error = (body or {}).get("error", {})
    return status, error.get("code"), error.get("message", "")


def test_messages(c):
    c.call("POST", "/_sandbox/reset")
    contact = c.call("POST", ACC + "/contacts", {"firstName": "Ann", "attributes": {"city": "Oslo"},
                                                 "tags": [{"tag": "vip"}],
                                                 "mobile": {"number": "+15550300001", "country": "US"}})[1]["data"][0]
    status, body, _ = c.call("POST", ACC + "/messages", {
        "template": "Hi {{firstName}} from {{ contact.city }}{{{lastName}}}", "contacts": [
            {"id": contact["id"]}, {"mobile": {"number": "+15550300002"}, "firstName": "New"},
            {"id": "seed-contact"}, {"mobile": {"number": "12"}, "firstName": "Bad"}]})
    data = body["data"]
    check("send: 200 (not 201), current send response shape",
          status == 200 and body["success"] is True and set(data) == {"messages", "jobId", "requested", "valid", "invalid"}
          and data["requested"] == 4 and data["valid"] == 2 and len(data["messages"]) == 2, body)
    first = data["messages"][0]
    check("send: Message shape (Queued, outgoing, rendered, segments, price, contact, conversation)",
          list(first) == ["id", "status", "type", "message", "template", "outgoing", "phoneNumber", "price", "segments",
                          "read", "media", "contact", "conversation", "created", "updated"]
          and first["status"] == "Queued" and first["outgoing"] is True and first["type"] == "SMS"
          and first["message"] == "Hi Ann from Oslo" and first["segments"] == 1 and first["price"] == 0.01
          and first["contact"]["id"] == contact["id"] and first["conversation"]["closed"] is None
          and ISO.fullmatch(first["created"]["at"]), first)
    invalid = {e["error"]["code"]: e for e in data["invalid"]}
    check("send: blocked contact invalid CONT-010, bad number invalid CONT-001",
          set(invalid) == {"CONT-010", "CONT-001"} and invalid["CONT-010"]["id"] == "seed-contact"
          and invalid["CONT-001"]["firstName"] == "Bad" and "description" in invalid["CONT-001"]["error"], data["invalid"])
    new = c.call("GET", ACC + "/contacts?mobile=5550300002")[1]
    check("send: unknown mobile creates a contact", new["pagination"]["totalCount"] == 1
          and new["data"][0]["firstName"] == "New", new)
    convs = c.call("GET", ACC + "/conversations")[1]
    check("send: one conversation per contact", convs["pagination"]["totalCount"] == 2
          and {x["contact"]["id"] for x in convs["data"]} == {contact["id"], new["data"][0]["id"]}, convs)
    again = c.call("POST", ACC + "/messages", {"template": "ж" * 71, "type": "SMS",
                                               "filters": {"tags": ["VIP"]}})[1]["data"]
    check("send: filters by tag; UCS-2 text of 71 chars is 2 segments; conversation reused",
          again["requested"] == 1 and again["messages"][0]["segments"] == 2
          and again["messages"][0]["conversation"]["id"] == first["conversation"]["id"], again)
    long = c.call("POST", ACC + "/messages", {"template": "x" * 161, "conversations": [first["conversation"]["id"]],
                                              "filters": {"attributes": [{"attribute": "city", "comparator": "=",
                                                                          "value": ["oslo"]}]}})[1]["data"]
    check("send: conversations + attribute filter, same contact once; 161 GSM chars = 2 segments",
          long["requested"] == 1 and long["messages"][0]["segments"] == 2, long)
    mid = first["id"]
    check("messages: get by id", c.call("GET", f"{ACC}/messages/{mid}")[1]["data"]["id"] == mid)
    listed = c.call("GET", f"{ACC}/messages?contactId={contact['id']}&limit=2")[1]
    check("messages: list filtered by contactId, paginated",
          listed["pagination"] == {"offset": 0, "limit": 2, "totalCount": 3, "hasNext": True}, listed["pagination"])
    by_conv = c.call("GET", f"{ACC}/messages?conversationId={first['conversation']['id']}")[1]
    check("messages: list filtered by conversationId", by_conv["pagination"]["totalCount"] == 3)
    check("messages: unknown id -> 404 MSG-002", err(c, "GET", ACC + "/messages/nope")[:2] == (404, "MSG-002"))

    before = c.call("GET", ACC + "/messages")[1]["pagination"]["totalCount"]
    for name, body, want in [
            ("no recipient field", {"template": "x"}, (400, "REQ-003")),
            ("empty recipient arrays", {"template": "x", "contacts": [], "conversations": []}, (400, "REQ-003")),
            ("empty filters", {"template": "x", "filters": {}}, (400, "REQ-003")),
            ("template missing", {"contacts": [{"id": contact["id"]}]}, (400, "REQ-003")),
            ("template not a string", {"template": 5, "contacts": [{"id": contact["id"]}]}, (400, "REQ-003")),
            ("type EMAIL", {"template": "x", "type": "EMAIL", "contacts": [{"id": contact["id"]}]}, (400, "REQ-003")),
            ("contact without id or mobile", {"template": "x", "contacts": [{"firstName": "A"}]}, (400, "REQ-003")),
            ("contact firstName number", {"template": "x", "contacts": [{"mobile": {"number": "+15550300009"},
                                                                        "firstName": 1}]}, (400, "REQ-003")),
            ("101 recipients", {"template": "x", "contacts": [{"mobile": {"number": f"+1555031{i:04}"}}
                                                              for i in range(101)]}, (400, "REQ-003")),
            ("unknown contact id", {"template": "x", "contacts": [{"id": "nope"}]}, (404, "CONT-002")),
            ("unknown conversation", {"template": "x", "conversations": ["nope"]}, (404, "CONV-001")),
            ("unknown group", {"template": "x", "contacts": [{"id": contact["id"]}],
                               "phoneNumberFilter": {"group": {"id": "nope"}}}, (404, "GRP-002"))]:
        got = err(c, "POST", ACC + "/messages", body)
        check(f"send: {name} -> {want[0]} {want[1]}", got[:2] == want, got)
    got = err(c, "POST", ACC + "/messages", {"contacts": [{"id": contact["id"]}]})
    check("send: REQ-003 message names the field", "template" in got[2], got)
    after = c.call("GET", ACC + "/messages")[1]["pagination"]["totalCount"]
    total = c.call("GET", ACC + "/contacts")[1]["pagination"]["totalCount"]
    check("send: refused sends store nothing (no message, no contact)", after == before and total == 3, (after, total))
    hundred = c.call("POST", ACC + "/messages", {"template": "x", "contacts": [
        {"mobile": {"number": f"+1555032{i:04}"}} for i in range(100)]})
    check("send: exactly 100 recipients accepted", hundred[0] == 200 and hundred[1]["data"]["valid"] == 100)


def test_conversations(c):
    c.call("POST", "/_sandbox/reset")
    sent = c.call("POST", ACC + "/messages", {"template": "Hello", "contacts": [
        {"mobile": {"number": "+15550400001"}}]})[1]["data"]["messages"][0]
    cid = sent["conversation"]["id"]
    conv = c.call("GET", f"{ACC}/conversations/{cid}")[1]["data"]
    check("conversation: current shape, open, lastMessage",
          list(conv) == ["id", "contact", "closed", "lastMessage", "unread", "type", "created", "updated"]
          and conv["closed"] is None and conv["lastMessage"]["id"] == sent["id"] and conv["unread"] == [], conv)
    status, closed, _ = c.call("PUT", f"{ACC}/conversations/{cid}/close")
    stamp = closed["data"]["closed"]
    check("close: 200 item, closed is a timestamp", status == 200 and ISO.fullmatch(stamp or ""), closed)
    again = c.call("PUT", f"{ACC}/conversations/{cid}/close")
    check("close: closing a closed one is fine, time kept", again[0] == 200 and again[1]["data"]["closed"] == stamp)
    check("close: unknown -> 404 CONV-001", err(c, "PUT", ACC + "/conversations/nope/close")[:2] == (404, "CONV-001"))
    check("close: GET on /close -> 405", c.call("GET", f"{ACC}/conversations/{cid}/close")[0] == 405)
    status, inbound, _ = c.call("POST", "/_sandbox/inbound", {"mobile": "+1 555 040 0001", "message": "Hi back"})
    msg = inbound["data"]
    check("inbound: outgoing false, status Received, same conversation",
          status == 200 and msg["outgoing"] is False and msg["status"] == "Received"
          and msg["conversation"]["id"] == cid, inbound)
    conv = c.call("GET", f"{ACC}/conversations/{cid}")[1]["data"]
    check("inbound: reopens the conversation, marks unread",
          conv["closed"] is None and conv["unread"] == [msg["id"]] and conv["lastMessage"]["id"] == msg["id"], conv)
    stop = c.call("POST", "/_sandbox/inbound", {"contactId": sent["contact"]["id"], "message": " stop "})[1]["data"]
    check("inbound: STOP blocks the contact (CONT-010)", stop["contact"]["error"]["code"] == "CONT-010")
    new = c.call("POST", "/_sandbox/inbound", {"mobile": "+15550400002", "message": "Who is this?"})[1]["data"]
    check("inbound: an unknown number makes a contact and a conversation",
          new["contact"]["mobile"]["number"] == "+15550400002"
          and c.call("GET", ACC + "/conversations")[1]["pagination"]["totalCount"] == 2)
    for name, body in [("both mobile and contactId", {"mobile": "+15550400001", "contactId": "x", "message": "a"}),
                       ("neither", {"message": "a"}), ("unknown contact", {"contactId": "nope", "message": "a"}),
                       ("bad number", {"mobile": "12", "message": "a"}),
                       ("typo", {"mobile": "+15550400001", "mesage": "a"})]:
        check(f"inbound: {name} -> 400 REQ-003", err(c, "POST", "/_sandbox/inbound", body)[:2] == (400, "REQ-003"))

    today = msg["created"]["at"][:10]
    status, raw, resp = c.raw("GET", f"{ACC}/reports/messages?start={today}&end={today}")
    rows = list(csv.DictReader(io.StringIO(raw.decode())))
    check("report: text/csv with a header row over the stored messages",
          status == 200 and resp.getheader("Content-Type").startswith("text/csv")
          and raw.startswith(b"id,created,direction,status,from,to,segments,price\r\n") and len(rows) == 4
          and rows[0]["direction"] == "outbound" and rows[0]["to"] == "+15550400001"
          and rows[1]["direction"] == "inbound" and rows[1]["from"] == "+15550400001", raw)
    empty = c.raw("GET", f"{ACC}/reports/messages?start=2001-01-01&end=2001-01-31")[1]
    check("report: a range without messages is just the header", empty.count(b"\r\n") == 1, empty)
    for q in ("start=2024-01-01", "end=2024-01-01", "start=2024-1-1&end=2024-01-02",
              "start=2024-01-02&end=2024-01-01", "start=2024-02-30&end=2024-03-01"):
        check(f"report: {q} -> 400 REQ-002", err(c, "GET", f"{ACC}/reports/messages?{q}")[:2] == (400, "REQ-002"))


def test_templates(c):
    c.call("POST", "/_sandbox/reset")
    status, body, _ = c.call("POST", ACC + "/templates", {"name": "Welcome", "type": "SMS", "template": "Hi {{firstName}}",
                                                         "id": "ignored", "extra": 1})
    tmpl = body["data"][0] if status == 201 else {}
    check("template create: 201, list envelope of one, Template shape",
          status == 201 and len(body["data"]) == 1 and "pagination" not in body
          and list(tmpl) == ["id", "name", "type", "template", "media", "created", "updated"]
          and tmpl["id"] != "ignored" and tmpl["media"] == [], body)
    path = f"{ACC}/templates/{tmpl['id']}"
    check("template get", c.call("GET", path)[1]["data"] == tmpl)
    c.call("POST", ACC + "/templates", {"name": "Reminder", "template": "Soon", "type": "Web",
                                        "media": [{"url": "https://example.com/a.png", "type": "image/png"}]})
    listed = c.call("GET", ACC + "/templates?name=welc")[1]
    check("template list: name substring", listed["pagination"]["totalCount"] == 1
          and listed["data"][0]["id"] == tmpl["id"], listed)
    put = c.call("PUT", path, {"name": "Welcome 2", "template": "Hey"})[1]["data"]
    check("template put: replaces, created kept", put["name"] == "Welcome 2" and put["type"] == "SMS"
          and put["created"] == tmpl["created"], put)
    for name, body in [("name missing", {"template": "x"}), ("template missing", {"name": "x"}),
                       ("type Email", {"name": "x", "template": "x", "type": "Email"}),
                       ("name null", {"name": None, "template": "x"}),
                       ("media url missing", {"name": "x", "template": "x", "media": [{"type": "image/png"}]})]:
        check(f"template: {name} -> 400 REQ-003", err(c, "POST", ACC + "/templates", body)[:2] == (400, "REQ-003"))
    check("template: message names the missing field", "name" in err(c, "POST", ACC + "/templates", {"template": "x"})[2])
    check("template: text/plain -> 400 REQ-001",
          err(c, "POST", ACC + "/templates", raw=b"{}", ctype="text/plain")[:2] == (400, "REQ-001"))
    check("template put: unknown -> 404 TMPL-002",
          err(c, "PUT", ACC + "/templates/nope", {"name": "x", "template": "y"})[:2] == (404, "TMPL-002"))
    check("template delete: 200 success", c.call("DELETE", path)[1] == {"success": True})
    check("template delete: then 404 TMPL-002", err(c, "GET", path)[:2] == (404, "TMPL-002"))


def test_campaigns(c):
    c.call("POST", "/_sandbox/reset")
    body = {"name": "Spring", "trigger": {"code": "M"}, "template": "Sale!", "description": "d",
            "filters": {"tags": [{"tag": "vip"}], "attributes": [{"attribute": "city", "comparator": "=", "value": ["Oslo"]}]},
            "reporting": {"when": "NoReport"}, "schedule": {"frequency": "OD"}, "lastJob": {"id": "ignored"}}
    status, created, _ = c.call("POST", ACC + "/campaigns", body)
    camp = created["data"]
    check("campaign create: 201 item envelope, trigger name, read-only ignored",
          status == 201 and camp["trigger"] == {"code": "M", "name": "Manual"} and "lastJob" not in camp
          and camp["paused"] is False and camp["media"] == [] and ISO.fullmatch(camp["created"]["at"]), created)
    path = f"{ACC}/campaigns/{camp['id']}"
    check("campaign get", c.call("GET", path)[1]["data"] == camp)
    check("campaign list: name filter", c.call("GET", ACC + "/campaigns?name=SPR")[1]["pagination"]["totalCount"] == 1)
    put = c.call("PUT", path, {"name": "Spring 2", "trigger": {"code": "S"}, "template": "x"})[1]["data"]
    check("campaign put: replaces", put["name"] == "Spring 2" and put["trigger"]["code"] == "S"
          and "filters" not in put and put["created"] == camp["created"], put)
    for name, b in [("name missing", {"trigger": {"code": "M"}, "template": "x"}),
                    ("trigger missing", {"name": "x", "template": "x"}),
                    ("trigger code X", {"name": "x", "trigger": {"code": "X"}, "template": "x"}),
                    ("template missing", {"name": "x", "trigger": {"code": "V2"}}),
                    ("paused string", {"name": "x", "trigger": {"code": "FU"}, "template": "x", "paused": "no"})]:
        check(f"campaign: {name} -> 400 REQ-003", err(c, "POST", ACC + "/campaigns", b)[:2] == (400, "REQ-003"))
    check("campaign: message names trigger.code",
          "trigger.code" in err(c, "POST", ACC + "/campaigns", {"name": "x", "trigger": {}, "template": "x"})[2])
    check("campaign delete", c.call("DELETE", path)[1] == {"success": True})
    check("campaign: then 404 CAMP-002", err(c, "GET", path)[:2] == (404, "CAMP-002"))

    quick = {"name": "Flash", "groupId": "seed-group", "listId": "seed-list", "message": {"message": "Now!"}}
    status, body, _ = c.call("POST", ACC + "/quickcampaigns", quick)
    data = body.get("data", {})
    check("quickcampaign: 200 {campaign, job{id, status}}",
          status == 200 and set(data) == {"campaign", "job"} and set(data["job"]) == {"id", "status"}
          and data["campaign"]["lastJob"]["id"] == data["job"]["id"]
          and data["campaign"]["filters"] == {"list": "seed-list"}, body)
    check("quickcampaign: stored as a campaign",
          c.call("GET", f"{ACC}/campaigns/{data['campaign']['id']}")[0] == 200)
    for name, b, want in [("unknown list", {**quick, "listId": "nope"}, (404, "LIST-002")),
                          ("unknown group", {**quick, "groupId": "nope"}, (404, "GRP-002")),
                          ("message.message missing", {**quick, "message": {}}, (400, "REQ-003")),
                          ("sendAt not a date-time", {**quick, "sendAt": "tomorrow"}, (400, "REQ-003"))]:
        check(f"quickcampaign: {name} -> {want[0]} {want[1]}",
              err(c, "POST", ACC + "/quickcampaigns", b)[:2] == want)


def test_webhooks(c):
    c.call("POST", "/_sandbox/reset")
    hook_url = "https://example.com/hooks/sakari?x=1"
    status, body, _ = c.call("POST", ACC + "/webhooks", {"url": hook_url,
                                                        "eventTypes": ["message-received", "conversation-closed"]})
    hook = body["data"]
    check("webhook subscribe: 200 {id, type, eventTypes, destination}",
          status == 200 and list(hook) == ["id", "type", "eventTypes", "destination"] and hook["type"] == "webhook"
          and hook["destination"] == hook_url, body)
    again = c.call("POST", ACC + "/webhooks", {"url": hook_url, "eventTypes": ["list-opt-in"]})[1]["data"]
    check("webhook: same URL again replaces its event types, same id",
          again["id"] == hook["id"] and again["eventTypes"] == ["list-opt-in"])
    second = c.call("POST", ACC + "/webhooks", {"url": "http://127.0.0.1:9/h", "eventTypes": ["contact-opt-out"]})[1]["data"]
    listed = c.call("GET", ACC + "/webhooks")[1]
    check("webhook list: paginated", listed["pagination"]["totalCount"] == 2 and len(listed["data"]) == 2, listed)
    for name, b in [("url missing", {"eventTypes": ["message-sent"]}), ("ftp url", {"url": "ftp://x/y", "eventTypes": ["message-sent"]}),
                    ("not a url", {"url": "hooks", "eventTypes": ["message-sent"]}),
                    ("eventTypes empty", {"url": hook_url, "eventTypes": []}),
                    ("unknown event", {"url": hook_url, "eventTypes": ["message-deleted"]}),
                    ("eventTypes missing", {"url": hook_url})]:
        check(f"webhook: {name} -> 400 REQ-003", err(c, "POST", ACC + "/webhooks", b)[:2] == (400, "REQ-003"))
    encoded = "https%3A%2F%2Fexample.com%2Fhooks%2Fsakari%3Fx%3D1"
    status, raw, resp = c.raw("DELETE", f"{ACC}/webhooks/{encoded}")
    check("webhook delete by encoded URL: 204, no body", status == 204 and raw == b"" and resp.getheader("Content-Length") is None)
    check("webhook delete: again 404 WHK-002", err(c, "DELETE", f"{ACC}/webhooks/{encoded}")[:2] == (404, "WHK-002"))
    check("webhook delete: raw slashes are not one segment -> 404 REQ-404",
          err(c, "DELETE", f"{ACC}/webhooks/http://127.0.0.1:9/h")[:2] == (404, "REQ-404"))
    check("webhook delete by id: 204", c.raw("DELETE", f"{ACC}/webhooks/{second['id']}")[0] == 204)
    check("webhook list: empty after", c.call("GET", ACC + "/webhooks")[1]["pagination"]["totalCount"] == 0)


def test_csv(c):
    c.call("POST", "/_sandbox/reset")
    text = ('firstName,LastName,email,mobile,country,City,"Job, Title"\r\n'
            'Ann,Lee,ann@x.io,+15550500001,us,Oslo,"Lead ""dev"""\r\n'
            'Bob,,,12,US,,\r\n'
            '"Cy\nMulti",Z,,+15550500002,,,\r\n'
            '\r\n'
            'short,row\r\n'
            'Ann2,,,1-555-050-0001,,Bergen,\r\n')
    status, body, _ = c.call("POST", ACC + "/contacts", raw=text.encode(), ctype="text/csv")
    data = body.get("data", {})
    check("csv: 201 upload response with counts",
          status == 201 and list(data) == ["contacts", "errors", "inserted", "updated", "submitted", "success"]
          and (data["inserted"], data["updated"], data["submitted"], data["success"]) == (2, 1, 5, 3), body)
    ann = next(x for x in data.get("contacts", []) if x["mobile"]["number"] == "1-555-050-0001")
    check("csv: columns mapped, other columns are attributes, quoting per RFC 4180, merge by number",
          ann["firstName"] == "Ann2" and ann["lastName"] == "Lee" and ann["mobile"].get("country") is None
          and ann["attributes"] == {"City": "Bergen"} and len(data["contacts"]) == 2
          and data["contacts"][1]["firstName"] == "Cy\nMulti", data.get("contacts"))
    check("csv: row errors (CONT-001 bad number, REQ-003 field count)",
          [(e["row"], e["code"]) for e in data["errors"]] == [(2, "CONT-001"), (4, "REQ-003")], data["errors"])
    first = c.call("POST", ACC + "/contacts", raw=b"mobile,Job, Title\n+15550500001,x,y\n", ctype="text/csv")[1]
    check("csv: unquoted comma splits the header", first["data"]["contacts"][0]["attributes"] == {"Job": "x", "Title": "y"}, first)
    core = c.call("POST", ACC + "/contacts?mergeStrategy=core", raw=b"mobile,firstName,City\n+15550500001,Core,Rome\n",
                  ctype="text/csv; charset=utf-8")[1]["data"]["contacts"][0]
    check("csv: mergeStrategy=core keeps attributes", core["firstName"] == "Core" and core["attributes"] == {"Job": "x", "Title": "y"}, core)
    for name, raw in [("no mobile column", b"firstName,email\nA,a@x\n"), ("empty body", b""),
                      ("duplicate column", b"mobile,Mobile\n1,2\n"), ("empty column name", b"mobile,,x\n1,2,3\n")]:
        check(f"csv: {name} -> 400 REQ-003",
              err(c, "POST", ACC + "/contacts", raw=raw, ctype="text/csv")[:2] == (400, "REQ-003"))
    check("csv: unterminated quote -> 400 REQ-001",
          err(c, "POST", ACC + "/contacts", raw=b'mobile\n"+15550500009\n', ctype="text/csv")[:2] == (400, "REQ-001"))
    check("csv: not UTF-8 -> 400 REQ-001",
          err(c, "POST", ACC + "/contacts", raw=b"mobile,firstName\n+15550500009,\xff\n", ctype="text/csv")[:2] == (400, "REQ-001"))
    big = "mobile,firstName,note\n" + "".join(f"+1555051{i:04},P{i},{'n' * 200}\n" for i in range(6000))
    status, body, _ = c.call("POST", ACC + "/contacts", raw=big.encode(), ctype="text/csv")
    check(f"csv: a {len(big) >> 20} MiB upload passes the 1 MiB JSON cap",
          status == 201 and body["data"]["inserted"] == 6000 and len(big) > 1 << 20, status)
    check("csv: JSON bodies keep the 1 MiB cap (413)", _head_status(c, "application/json", (1 << 20) + 1) == 413)
    check("csv: CSV bodies are capped at 32 MiB (413)", _head_status(c, "text/csv", (32 << 20) + 1) == 413)


def _head_status(c, ctype, length):
    """Announce a body of `length` bytes without sending it: the cap is checked on the headers."""
    with socket.create_connection(("127.0.0.1", c.conn.port), timeout=10) as s:
        s.sendall((f"POST {ACC}/contacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sandbox-token\r\n"
                   f"Content-Type: {ctype}\r\nContent-Length: {length}\r\n\r\n").encode())
        return int(s.recv(64).split()[1])


def test_sharefile(port):
    c = Client(port)
    data = bytes(range(256)) * 40 + b"\r\n--\r\n\n\r" + os.urandom(5000)
    status, body, _ = c.call("POST", "/v1/tools/sharefile", raw=data, ctype="application/octet-stream")
    link = body["data"]["link"] if status == 200 else ""
    check("sharefile octet-stream: 200 {link, expires}", status == 200 and set(body["data"]) == {"link", "expires"}
          and link.startswith(f"http://127.0.0.1:{port}/_sandbox/files/") and ISO.fullmatch(body["data"]["expires"]), body)
    got = Client(port).raw("GET", link.split(str(port), 1)[1], auth=False)
    check("sharefile: the link returns the exact bytes and content type",
          got[0] == 200 and got[1] == data and got[2].getheader("Content-Type") == "application/octet-stream")
    boundary = "----sandbox-boundary-7MA4YWxk"
    multipart = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n"
                 f"--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a.png\"\r\n"
                 f"Content-Type: image/png\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    ctype = f"multipart/form-data; boundary={boundary}"
    status, body, _ = c.call("POST", "/v1/tools/sharefile", raw=multipart, ctype=ctype)
    got = Client(port).raw("GET", body["data"]["link"].split(str(port), 1)[1], auth=False) if status == 200 else None
    check("sharefile multipart: field media, exact bytes, part content type",
          got is not None and got[1] == data and got[2].getheader("Content-Type") == "image/png", body)
    empty = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"e\"\r\n\r\n"
             f"\r\n--{boundary}--\r\n").encode()
    other = multipart.replace(b'name="media"', b'name="file"')
    for name, raw, ct, want in [("empty octet-stream", b"", "application/octet-stream", (400, "REQ-003")),
                                ("empty media part", empty, ctype, (400, "REQ-003")),
                                ("no media field", other, ctype, (400, "REQ-003")),
                                ("JSON body", b"{}", "application/json", (400, "REQ-001")),
                                ("no boundary", multipart, "multipart/form-data", (400, "REQ-001")),
                                ("unterminated multipart", multipart[:-40], ctype, (400, "REQ-001"))]:
        check(f"sharefile: {name} -> {want[0]} {want[1]}",
              err(c, "POST", "/v1/tools/sharefile", raw=raw, ctype=ct)[:2] == want)
    check("sharefile: needs auth", Client(port).code("POST", "/v1/tools/sharefile", raw=data, auth=False,
                                                     ctype="application/octet-stream") == (401, "AUTH-001"))
    check("sharefile: account-scoped path does not exist",
          err(c, "POST", ACC + "/tools/sharefile", raw=data, ctype="application/octet-stream")[:2] == (404, "REQ-404"))
    big = os.urandom(3 << 20)
    status, body, _ = c.call("POST", "/v1/tools/sharefile", raw=big, ctype="application/octet-stream")
    check("sharefile: 3 MiB accepted (32 MiB cap)", status == 200)
    check("files: unknown id -> 404", Client(port).raw("GET", "/_sandbox/files/nope", auth=False)[0] == 404)


def test_seed(c):
    c.call("POST", "/_sandbox/reset")
    status, body, _ = c.call("POST", "/_sandbox/seed", {"contacts": 250})
    check("seed: 250 contacts, ids returned", status == 200 and len(body["ids"]) == 250 and len(set(body["ids"])) == 250)
    ids = []
    for offset in (0, 100, 200):
        page = c.call("GET", f"{ACC}/contacts?limit=100&offset={offset}")[1]
        ids += [x["id"] for x in page["data"]]
    check("seed: paginates as 251 contacts (seed first)", len(ids) == 251 and ids[0] == "seed-contact"
          and ids[1:] == body["ids"] and page["pagination"]["hasNext"] is False, page["pagination"])
    more = c.call("POST", "/_sandbox/seed", {"contacts": 2})[1]["ids"]
    numbers = {x["mobile"]["number"] for x in c.call("GET", f"{ACC}/contacts?limit=5&offset=249")[1]["data"]}
    check("seed: a second seed adds fresh numbers", len(more) == 2 and len(numbers) == 4, numbers)
    for name, b in [("negative", {"contacts": -1}), ("string", {"contacts": "5"}), ("typo", {"contact": 5}),
                    ("unknown account", {"contacts": 1, "account": "nope"})]:
        check(f"seed: {name} -> 400 REQ-003", err(c, "POST", "/_sandbox/seed", b)[:2] == (400, "REQ-003"))
    c.call("POST", "/_sandbox/reset")
    check("reset: back to the seed contact only", c.call("GET", ACC + "/contacts")[1]["pagination"]["totalCount"] == 1)


def run(port):
    c = Client(port)
    test_messages(c)
    test_conversations(c)
    test_templates(c)
    test_campaigns(c)
    test_webhooks(c)
    test_csv(c)
    test_sharefile(port)
    test_seed(c)
    c.call("POST", "/_sandbox/reset")
