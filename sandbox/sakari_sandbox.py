#!/usr/bin/env python3
"""A local, strict, Sakari-compatible HTTP server for tests and demos. See README.md."""

import argparse
import json
import os
import re
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qs

sys.dont_write_bytecode = True  # run from a checkout, the sandbox leaves no __pycache__ behind
import api  # noqa: E402
import control  # noqa: E402
from common import Raw  # noqa: E402
from errors import ApiError, envelope  # noqa: E402
from store import State  # noqa: E402

MAX_BODY = 1 << 20
MAX_UPLOAD = 32 << 20  # CSV contact uploads and /v1/tools/sharefile
_CSV_UPLOAD = re.compile(r"/v1/accounts/[^/]+/contacts")
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")


def _json(payload):
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sakari-sandbox/0.1"
    timeout = 120  # an idle keep-alive connection gives its thread back eventually

    def setup(self):
        if self.server.tls_context:
            # Handshake here, in the connection's own thread, so a slow client cannot stall accept().
            self.request.settimeout(self.timeout)
            self.request = self.server.tls_context.wrap_socket(self.request, server_side=True)
        super().setup()

    def finish(self):
        super().finish()
        if isinstance(self.request, ssl.SSLSocket):
            # socketserver only closes the plain socket it accepted, which the wrapper detached.
            try:
                self.request.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            self.request.close()

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):
        if not self.server.quiet:
            super().log_message(format, *args)

    def send_error(self, code, message=None, explain=None):
        # http.server's own rejections (bad request line, unknown method ...) use the JSON envelope too.
        self.close_connection = True
        text = message or self.responses.get(code, ("Error",))[0]
        self._answer(code, _json(envelope(f"REQ-{code}", text)), headers={"Connection": "close"})

    def dispatch(self):
        body = self._read_body()
        if body is None:
            return
        # self.path has leading "//" collapsed by http.server; route and log what the client sent.
        target = self.requestline.split()[1]
        path, _, query = target.partition("?")
        req = SimpleNamespace(method=self.command, target=target, path=path, headers=self.headers,
                              query=parse_qs(query, keep_blank_values=True), body=body, base=self._base())
        state = self.server.state
        if path == "/_sandbox" or path.startswith("/_sandbox/"):
            self._answer(*self._run(control.handle, req))
            return
        with state.lock:
            state.log(req)
            fault = state.take_fault(self.command, target)
        if fault is None:
            self._answer(*self._run(api.handle, req))
            return
        time.sleep(fault.get("delay", 0))
        if fault.get("drop"):
            self.close_connection = True  # closed without a single byte of answer
            return
        if "status" in fault:
            answer = self._fault_answer(fault)
        else:
            answer = self._run(api.handle, req)
        if fault.get("drop_after"):
            self.close_connection = True  # the API acted; its answer is lost
            return
        self._answer(*answer, fault=fault)

    def _read_body(self):
        if "Transfer-Encoding" in self.headers:
            return self._refuse(411, "Chunked request bodies are not supported: send Content-Length")
        lengths = set(self.headers.get_all("Content-Length") or ["0"])
        if len(lengths) != 1 or not re.fullmatch(r"[0-9]{1,15}", next(iter(lengths)).strip()):
            return self._refuse(400, "Invalid Content-Length")
        length = int(lengths.pop())
        if length > self._body_limit():
            return self._refuse(413, "Request body too large")
        body = self.rfile.read(length)
        if len(body) < length:
            self.close_connection = True  # the client went away mid-body
            return None
        return body

    def _body_limit(self):
        path = self.requestline.split()[1].partition("?")[0]
        mime = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if path == "/v1/tools/sharefile" or (mime == "text/csv" and _CSV_UPLOAD.fullmatch(path)):
            return MAX_UPLOAD
        if path == "/_sandbox/faults":
            return MAX_UPLOAD  # a test may queue a very large answer (10 MB, say)
        return MAX_BODY

    def _base(self):
        """scheme://host[:port] as the client addressed this server (links to shared files use it)."""
        host = (self.headers.get("Host") or "").strip()
        if not _HOST.fullmatch(host):
            name, port = self.server.server_address[:2]
            host = f"[{name}]:{port}" if ":" in name else f"{name}:{port}"
        return ("https" if self.server.tls_context else "http") + "://" + host

    def _refuse(self, status, message):
        # The body was not read, so this connection is out of step: answer and close it.
        self.close_connection = True
        self._answer(status, _json(envelope("REQ-001", message)), headers={"Connection": "close"})
        return None

    def _run(self, handler, req):
        """Run an API or control handler under the lock; return (status, body, content type, headers)."""
        state = self.server.state
        try:
            with state.lock:
                status, payload = handler(state, req)
                if isinstance(payload, Raw):
                    return status, payload.body, payload.content_type, {}
                return status, _json(payload), "application/json", {}
        except ApiError as e:
            return e.status, _json(envelope(e.code, e.message)), "application/json", e.headers
        except Exception:
            traceback.print_exc()
            return 500, _json(envelope("REQ-500", "Sandbox internal error")), "application/json", {}

    @staticmethod
    def _fault_answer(fault):
        status = fault["status"]
        if "body_bytes" in fault:
            body = fault["body_bytes"]
        elif "body" in fault:
            body = fault["body"].encode("utf-8")
        elif status in (204, 304):
            body = b""
        elif status >= 400:
            reason = BaseHTTPRequestHandler.responses.get(status, ("Error",))[0]
            body = _json(envelope(f"FAULT-{status}", f"{reason} (sandbox fault)"))
        else:
            body = _json({"success": True})
        return status, body, fault.get("content_type", "application/json"), {}

    def _answer(self, status, body, content_type="application/json", headers=None, fault=None):
        headers = dict(headers or {})
        if fault:
            headers.update(fault.get("headers", {}))
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        if status not in (204, 304):
            self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD" or status in (204, 304):
            return
        truncate = fault.get("truncate", False) if fault else False
        if truncate is not False:
            # Full Content-Length announced, part of the body sent, then the connection is closed.
            keep = len(body) // 2 if truncate is True else min(truncate, max(len(body) - 1, 0))
            self.wfile.write(body[:keep])
            self.close_connection = True
            return
        self.wfile.write(body)


for _method in METHODS:
    setattr(Handler, "do_" + _method, Handler.dispatch)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 makes a client opening 16+ connections at once wait
    # a second for SYN retransmits; batch clients do exactly that.
    request_queue_size = 256

    def server_bind(self):
        # HTTPServer.server_bind would resolve the host name (getfqdn), which can stall startup.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def get_request(self):
        sock, address = super().get_request()
        # Without it a keep-alive answer waits ~40 ms for the client's delayed ACK (Nagle).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock, address

    def handle_error(self, request, client_address):
        # Clients vanishing mid-request (drop/truncate tests, aborted TLS handshakes) are routine.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


def parse_args(argv):
    p = argparse.ArgumentParser(description="Local, strict, Sakari-compatible HTTP server.")
    p.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default 0)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port-file", help="write the port here once listening")
    p.add_argument("--watch-pid", type=int, help="exit when this process is gone")
    p.add_argument("--client-id", default="sandbox-client-id")
    p.add_argument("--client-secret", default="sandbox-client-secret")
    p.add_argument("--account", action="extend", nargs="+", metavar="ACC",
                   help="known account id(s), repeatable (default sandbox-account)")
    p.add_argument("--token", default="sandbox-token",
                   help='static bearer token that never expires; "" disables it (default sandbox-token)')
    p.add_argument("--token-lifetime", type=int, default=3600, help="seconds (default 3600)")
    p.add_argument("--tls-cert", help="PEM certificate: serve https")
    p.add_argument("--tls-key", help="PEM private key for --tls-cert")
    p.add_argument("--quiet", action="store_true", help="no per-request log lines on stderr")
    args = p.parse_args(argv)
    if (args.tls_cert is None) != (args.tls_key is None):
        p.error("--tls-cert and --tls-key go together")
    if args.token_lifetime < 0:
        p.error("--token-lifetime must be >= 0")
    return args


def _watch(pid):
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            sys.stderr.flush()
            os._exit(0)
        except PermissionError:
            pass  # alive, just not ours
        time.sleep(0.3)


def _stop(signum, frame):
    raise SystemExit(0)


def main(argv=None):
    args = parse_args(argv)
    state = State(args.account or ["sandbox-account"], args.client_id, args.client_secret,
                  args.token, args.token_lifetime)
    tls_context = None
    if args.tls_cert:
        tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls_context.load_cert_chain(args.tls_cert, args.tls_key)

    Server.address_family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    server = Server((args.host, args.port), Handler)
    server.state, server.quiet, server.tls_context = state, args.quiet, tls_context
    port = server.server_address[1]

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    if args.port_file:
        # Written whole then renamed, so a poller never reads a half-written file.
        partial = args.port_file + ".partial"
        with open(partial, "w") as f:
            f.write(f"{port}\n")
        os.replace(partial, args.port_file)
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"sakari sandbox listening on {'https' if tls_context else 'http'}://{host}:{port}", flush=True)
    if args.watch_pid is not None:
        threading.Thread(target=_watch, args=(args.watch_pid,), daemon=True).start()
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
