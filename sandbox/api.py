"""The Sakari side: the OAuth2 token endpoint and contacts, as strict as the documented API.

Every handler runs with State.lock held and returns (status, JSON-able payload) or raises ApiError.
"""

import hmac
import json
import math
import re
import secrets
import time
from urllib.parse import unquote

import contacts
import tokens
from errors import ApiError


def handle(state, req):
    found = _route(req.path)
    if found is None:
        raise ApiError(404, "REQ-404", f"No such endpoint: {req.path}")
    handlers, params = found
    if req.method not in handlers:
        raise ApiError(405, "REQ-405", f"Method {req.method} not allowed",
                       {"Allow": ", ".join(handlers)})
    if not params:
        return handlers[req.method](state, req)
    actor = _authenticate(state, req.headers)
    book = state.contacts.get(params[0])
    if book is None:
        raise ApiError(404, "ACCT-008", "Account id invalid")
    return handlers[req.method](state, req, book, actor, *params[1:])


def _route(path):
    """(handlers by method, decoded path parameters) for a known path, else None."""
    if path == "/oauth2/token":
        return {"POST": _issue_token}, ()
    parts = path.split("/")
    if len(parts) in (5, 6) and parts[:3] == ["", "v1", "accounts"] and parts[4] == "contacts" \
            and all(parts[3:]):
        params = tuple(unquote(p) for p in parts[3:4] + parts[5:])
        if len(parts) == 5:
            return {"GET": _list_contacts, "POST": _create_contact}, params
        return {"GET": _get_contact, "PUT": _replace_contact, "DELETE": _delete_contact}, params
    return None


# --- request helpers -------------------------------------------------------------------------

def _bad_body(message):
    return ApiError(400, "REQ-001", message)


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):  # 1e400 would come back out as Infinity
        raise ValueError(f"number {text} is out of range")
    return value


def parse_json(body):
    """Decode a body as strict JSON: UTF-8 only, no NaN/Infinity, no lone surrogates."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad_body("Request body is not valid UTF-8") from None
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
        # "\ud800" parses in Python but could never be sent back as UTF-8.
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError) as e:
        raise _bad_body(f"Malformed JSON: {e}") from None
    return value


def json_object_body(req):
    mime, *params = [p.strip() for p in req.headers.get("Content-Type", "").split(";")]
    if mime.lower() != "application/json":
        raise _bad_body("Content-Type must be application/json")
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise _bad_body("JSON bodies must be UTF-8")
    value = parse_json(req.body)
    if not isinstance(value, dict):
        raise _bad_body("Request body must be a JSON object")
    return value


def _single(req, name):
    values = req.query.get(name)
    if values is None:
        return None
    if len(values) > 1:
        raise ApiError(400, "REQ-002", f"{name} given more than once")
    return values[0]


def _int_param(req, name, default, low, high=None):
    raw = _single(req, name)
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,15}", raw) or int(raw) < low or (high is not None and int(raw) > high):
        span = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ApiError(400, "REQ-002", f"{name} must be an integer {span}")
    return int(raw)


# --- auth ------------------------------------------------------------------------------------

def _same(a, b):
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _unauthorized(message):
    return ApiError(401, "AUTH-001", message, {"WWW-Authenticate": "Bearer"})


def _authenticate(state, headers):
    """Check the bearer token; return the actor recorded in created/updated.by."""
    scheme, _, token = (headers.get("Authorization") or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized("Missing bearer token")
    if state.static_token and _same(token, state.static_token):
        return _actor(state.client_id)
    claims = tokens.verify(token)
    if claims is None or claims.get("jti") not in state.tokens:
        raise _unauthorized("Invalid access token")
    if time.time() >= state.tokens[claims["jti"]]:
        raise _unauthorized("Access token expired")
    return _actor(claims["sub"])


def _actor(client_id):
    return {"id": client_id, "name": "API", "source": "api"}


def _issue_token(state, req):
    body = json_object_body(req)
    if body.get("grant_type") != "client_credentials":
        raise _bad_body('grant_type must be "client_credentials"')
    client_id, secret = body.get("client_id"), body.get("client_secret")
    if not isinstance(client_id, str) or not isinstance(secret, str):
        raise _bad_body("client_id and client_secret must be strings")
    # Both comparisons always run, so timing does not tell which one failed.
    if not (_same(client_id, state.client_id) & _same(secret, state.client_secret)):
        raise ApiError(401, "AUTH-002", "Invalid client credentials")
    token, jti, exp = tokens.issue(client_id, state.token_lifetime)
    state.tokens[jti] = exp
    return 200, {"access_token": token, "token_type": "Bearer"}


# --- contacts --------------------------------------------------------------------------------

def _unknown_contact():
    return ApiError(404, "CONT-002", "Invalid contact id")


def _list_contacts(state, req, book, actor):
    limit = _int_param(req, "limit", 10, 1, 100)
    offset = _int_param(req, "offset", 0, 0)
    filters = {}
    for name in contacts.FILTERS:
        value = _single(req, name)
        if value:
            filters[name] = value
    found = [c for c in book.values() if contacts.matches(c, filters)]
    page = found[offset:offset + limit]
    pagination = {"offset": offset, "limit": limit, "totalCount": len(found),
                  "hasNext": offset + len(page) < len(found)}
    return 200, {"success": True, "pagination": pagination, "data": page}


def _create_contact(state, req, book, actor):
    strategy = _single(req, "mergeStrategy")
    strategy = "append" if strategy is None else strategy
    if strategy not in contacts.STRATEGIES:
        raise ApiError(400, "REQ-002", "mergeStrategy must be one of append, core, remove")
    fields = contacts.parse_request(json_object_body(req))
    if "mobile" not in fields:
        raise contacts.invalid_mobile()
    key = contacts.number_key(fields["mobile"]["number"])
    existing = next((c for c in book.values()
                     if "mobile" in c and contacts.number_key(c["mobile"]["number"]) == key), None)
    if existing is None:
        contact_id = secrets.token_hex(12)
        record = contacts.build(contact_id, fields, actor)
    else:
        contact_id = existing["id"]
        record = contacts.build(contact_id, contacts.merge(existing, fields, strategy), actor, existing)
    book[contact_id] = record
    return 201, {"success": True, "data": [record]}


def _get_contact(state, req, book, actor, contact_id):
    if contact_id not in book:
        raise _unknown_contact()
    return 200, {"success": True, "data": book[contact_id]}


def _replace_contact(state, req, book, actor, contact_id):
    fields = contacts.parse_request(json_object_body(req))
    if contact_id not in book:
        raise _unknown_contact()
    book[contact_id] = contacts.build(contact_id, fields, actor, book[contact_id])
    return 200, {"success": True, "data": book[contact_id]}


def _delete_contact(state, req, book, actor, contact_id):
    if book.pop(contact_id, None) is None:
        raise _unknown_contact()
    return 200, {"success": True}
