"""Shared pieces of the sandbox self-check: the check recorder, starting a server, a small client."""

import http.client
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ACC = "/v1/accounts/sandbox-account"
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
CREDS = {"grant_type": "client_credentials", "client_id": "sandbox-client-id",
         "client_secret": "sandbox-client-secret"}
failures = []


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f"  -- {detail}"))
    if not ok:
        failures.append(name)


def start(*extra, tmp):
    port_file = os.path.join(tmp, f"port-{len(os.listdir(tmp))}")
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "sakari_sandbox.py"), "--port", "0",
                             "--port-file", port_file, "--quiet", *extra],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    with open(port_file) as f:
        port = int(f.read())
    return proc, port, line


class Client:
    def __init__(self, port, token="sandbox-token"):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.token = token

    def call(self, method, path, body=None, headers=None, auth=True, raw=None,
             ctype="application/json"):
        h = {"Authorization": f"Bearer {self.token}"} if auth else {}
        if body is not None or raw is not None:
            h["Content-Type"] = ctype
        h.update(headers or {})
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        self.conn.request(method, path, body=data, headers=h)
        resp = self.conn.getresponse()
        text = resp.read()
        return resp.status, (json.loads(text) if text else None), resp

    def code(self, *args, **kw):
        status, body, _ = self.call(*args, **kw)
        return status, (body or {}).get("error", {}).get("code")

    def raw(self, method, path, data=None, headers=None, auth=True):
        """(status, body bytes, response) without decoding: CSV, hosted files, 204."""
        h = {"Authorization": f"Bearer {self.token}"} if auth else {}
        h.update(headers or {})
        self.conn.request(method, path, body=data, headers=h)
        resp = self.conn.getresponse()
        return resp.status, resp.read(), resp
