"""Helpers every resource module shares: strict bodies and query parameters, envelopes, ids, stamps.

Handlers run with State.lock held and return (status, payload). A payload is a JSON-able value, or a
Raw for answers that are not JSON (CSV, hosted files, the empty 204).
"""

import datetime
import json
import math
import re
import secrets

from errors import ApiError

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
                        r"(Z|[+-][0-9]{2}:[0-9]{2})")


class Raw:
    """A non-JSON answer: exact bytes and their Content-Type (None: no Content-Type header)."""

    def __init__(self, body, content_type):
        self.body = body
        self.content_type = content_type


def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def iso(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_iso():
    return iso(now())


def new_id():
    return secrets.token_hex(12)


def stamp(actor):
    return {"at": now_iso(), "by": actor}


def item(data, status=200):
    return status, {"success": True, "data": data}


def deleted():
    return 200, {"success": True}


def not_found(code, message):
    return ApiError(404, code, message)


def required_field(field):
    return ApiError(400, "REQ-003", f"{field} is required")


def wrong_field(field, what):
    return ApiError(400, "REQ-003", f"{field} must be {what}")


def bad_query(message):
    return ApiError(400, "REQ-002", message)


# --- JSON bodies -----------------------------------------------------------------------------

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


def media_type(req):
    """(lower-case media type, {lower-case parameter: value}) of the request's Content-Type."""
    mime, *params = [p.strip() for p in req.headers.get("Content-Type", "").split(";")]
    out = {}
    for param in params:
        name, _, value = param.partition("=")
        out[name.strip().lower()] = value.strip().strip('"')
    return mime.lower(), out


def check_charset(params, what):
    if "charset" in params and params["charset"].lower() not in ("utf-8", "utf8"):
        raise _bad_body(f"{what} bodies must be UTF-8")


def json_object_body(req):
    mime, params = media_type(req)
    if mime != "application/json":
        raise _bad_body("Content-Type must be application/json")
    check_charset(params, "JSON")
    value = parse_json(req.body)
    if not isinstance(value, dict):
        raise _bad_body("Request body must be a JSON object")
    return value


# --- query parameters ------------------------------------------------------------------------

def single(req, name):
    values = req.query.get(name)
    if values is None:
        return None
    if len(values) > 1:
        raise bad_query(f"{name} given more than once")
    return values[0]


def text_param(req, name):
    """A string filter: absent and empty both mean "no filter" (None)."""
    return single(req, name) or None


def int_param(req, name, default, low, high=None):
    raw = single(req, name)
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,15}", raw) or int(raw) < low or (high is not None and int(raw) > high):
        span = f"between {low} and {high}" if high is not None else f">= {low}"
        raise bad_query(f"{name} must be an integer {span}")
    return int(raw)


def date_param(req, name):
    """A required YYYY-MM-DD parameter, as a datetime.date."""
    raw = single(req, name)
    if raw is None or raw == "":
        raise bad_query(f"{name} is required (YYYY-MM-DD)")
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise bad_query(f"{name} must be a date YYYY-MM-DD") from None


def date_range(req):
    start, end = date_param(req, "start"), date_param(req, "end")
    if start > end:
        raise bad_query("start must not be after end")
    return start, end


def parse_date_time(text):
    """An ISO-8601 date-time with a time zone (Z or +hh:mm) as an aware datetime, else None."""
    if not isinstance(text, str) or not _DATE_TIME.fullmatch(text):
        return None
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def date_time_param(req, name):
    raw = text_param(req, name)
    if raw is None:
        return None
    moment = parse_date_time(raw)
    if moment is None:
        raise bad_query(f"{name} must be an ISO-8601 date-time such as 2024-01-31T12:00:00Z")
    return moment


def has(value, wanted):
    """Case-insensitive substring test, used by every text filter."""
    return isinstance(value, str) and wanted.casefold() in value.casefold()


def page(req, items):
    """The list envelope for one page of `items`, after checking offset and limit."""
    limit = int_param(req, "limit", 10, 1, 100)
    offset = int_param(req, "offset", 0, 0)
    items = list(items)
    chunk = items[offset:offset + limit]
    pagination = {"offset": offset, "limit": limit, "totalCount": len(items),
                  "hasNext": offset + len(chunk) < len(items)}
    return 200, {"success": True, "pagination": pagination, "data": chunk}


def lookup(collection, key, code, message):
    if key not in collection:
        raise not_found(code, message)
    return collection[key]
