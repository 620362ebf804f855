"""The /_sandbox test-control API: no auth, never logged, never faulted. Runs with State.lock held."""

import base64
import re

import chaos
import control_data
from common import parse_json
from errors import ApiError

ROUTES = {
    "/_sandbox/requests": ("GET", "DELETE"),
    "/_sandbox/reset": ("POST",),
    "/_sandbox/config": ("GET", "POST"),
    "/_sandbox/expire-tokens": ("POST",),
    "/_sandbox/faults": ("GET", "POST", "DELETE"),
    "/_sandbox/seed": ("POST",),
    "/_sandbox/inbound": ("POST",),
    "/_sandbox/chaos": ("GET", "POST", "DELETE"),
    "/_sandbox/contacts": ("GET",),
}
FAULT_FIELDS = ("status", "headers", "body", "body_base64", "content_type", "delay", "drop", "drop_after",
                "truncate", "method", "path", "times")
# The sandbox computes these itself; a fault sets them through `content_type` and `truncate`.
_RESERVED_HEADERS = ("content-length", "content-type", "transfer-encoding", "connection")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def handle(state, req):
    if req.path.startswith(control_data.FILES):
        return control_data.file(state, req)
    allowed = ROUTES.get(req.path)
    if allowed is None:
        raise ApiError(404, "REQ-404", f"No such endpoint: {req.path}")
    if req.method not in allowed:
        raise ApiError(405, "REQ-405", f"Method {req.method} not allowed", {"Allow": ", ".join(allowed)})
    route = (req.method, req.path.rsplit("/", 1)[1])

    if route == ("GET", "requests"):
        return 200, {"requests": list(state.requests)}
    if route == ("DELETE", "requests"):
        state.requests.clear()
        return 200, {"success": True}
    if route == ("POST", "reset"):
        state.reset()
        return 200, {"success": True}
    if route == ("GET", "config"):
        return 200, {"token_lifetime": state.token_lifetime}
    if route == ("POST", "config"):
        body = _object_body(req)
        _only(body, ("token_lifetime",), "config")
        if "token_lifetime" in body:
            state.token_lifetime = _int(body, "token_lifetime", 0)
        return 200, {"success": True, "token_lifetime": state.token_lifetime}
    if route == ("POST", "expire-tokens"):
        for jti in state.tokens:
            state.tokens[jti] = 0
        return 200, {"success": True, "expired": len(state.tokens)}
    if route == ("POST", "seed"):
        return control_data.seed(state, _object_body(req), _only)
    if route == ("POST", "inbound"):
        return control_data.inbound(state, _object_body(req), _only)
    if route == ("POST", "chaos"):
        state.chaos = chaos.parse(_object_body(req), _only)
        return 200, {"success": True, **state.chaos.report()}
    if route == ("GET", "chaos"):
        return 200, state.chaos.report() if state.chaos else {"config": None}
    if route == ("DELETE", "chaos"):
        report = state.chaos.report() if state.chaos else {"config": None}
        state.chaos = None
        return 200, {"success": True, **report}
    if route == ("GET", "contacts"):
        return control_data.stored_contacts(state, req)
    if route == ("GET", "faults"):
        return 200, {"faults": state.faults}
    if route == ("DELETE", "faults"):
        state.faults.clear()
        return 200, {"success": True}
    body = _object_body(req)
    faults = body["faults"] if "faults" in body else [body]
    if not isinstance(faults, list) or not faults:
        raise chaos.bad("faults must be a non-empty array")
    state.faults.extend([_fault(f) for f in faults])
    return 200, {"success": True, "queued": len(state.faults)}


def _object_body(req):
    # Content-Type is not checked here, so a bare `curl -d '{...}'` works.
    value = parse_json(req.body or b"{}")
    if not isinstance(value, dict):
        raise ApiError(400, "REQ-001", "Request body must be a JSON object")
    return value


def _only(body, names, what):
    unknown = sorted(set(body) - set(names))
    if unknown:
        raise chaos.bad(f"unknown {what} field(s): {', '.join(unknown)}")


def _int(body, name, low, high=None):
    value = body[name]
    if not isinstance(value, int) or isinstance(value, bool) or value < low \
            or (high is not None and value > high):
        raise chaos.bad(f"{name} must be an integer >= {low}" + (f" and <= {high}" if high else ""))
    return value


def _fault(fault):
    """Validate one fault; typos are rejected so a test cannot silently queue a no-op."""
    if not isinstance(fault, dict):
        raise chaos.bad("each fault must be an object")
    _only(fault, FAULT_FIELDS, "fault")
    out = {"times": _int(fault, "times", 1) if "times" in fault else 1}
    if "status" in fault:
        out["status"] = _int(fault, "status", 200, 599)
    elif "body" in fault or "body_base64" in fault or "content_type" in fault:
        raise chaos.bad("a fault's body and content_type need a status")
    if "body" in fault and "body_base64" in fault:
        raise chaos.bad("give body or body_base64, not both")
    if "body_base64" in fault:
        # bytes JSON cannot carry (invalid UTF-8, say), for a client's decoder to meet
        try:
            out["body_bytes"] = base64.b64decode(fault["body_base64"], validate=True)
        except (TypeError, ValueError):
            raise chaos.bad("body_base64 must be base64") from None
    chaos.copy_strings(fault, out, ("body", "content_type", "method", "path"))
    if out.get("status") in (204, 304) and out.get("body"):
        raise chaos.bad("a 204 or 304 answer has no body")
    for name in ("drop", "drop_after", "truncate"):
        if name in fault:
            value = fault[name]
            if not isinstance(value, bool) and not (name == "truncate" and isinstance(value, int) and value >= 0):
                raise chaos.bad(f"{name} must be a boolean" + (" or a byte count" if name == "truncate" else ""))
            out[name] = value
    if fault.get("drop") and (fault.get("drop_after") or "status" in fault):
        raise chaos.bad("drop answers nothing: not with drop_after or status")
    if fault.get("drop_after") and "status" in fault:
        raise chaos.bad("drop_after lets the API answer: not with status")
    if "delay" in fault:
        delay = fault["delay"]
        if not isinstance(delay, (int, float)) or isinstance(delay, bool) or not 0 <= delay <= 300:
            raise chaos.bad("delay must be a number of seconds between 0 and 300")
        out["delay"] = delay
    if "headers" in fault:
        headers = fault["headers"]
        if not isinstance(headers, dict):
            raise chaos.bad("headers must be an object")
        for name, value in headers.items():
            if not _TOKEN.fullmatch(name) or name.lower() in _RESERVED_HEADERS:
                raise chaos.bad(f"header name {name!r} is not allowed")
            if not isinstance(value, str) or not value.isascii() or re.search(r"[\r\n\0]", value):
                raise chaos.bad(f"header {name} must be an ASCII string without CR, LF or NUL")
        out["headers"] = dict(headers)
    return out
