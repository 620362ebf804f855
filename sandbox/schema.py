"""A tiny declarative validator for request bodies.

A rule is a function (value, path) -> cleaned value that raises 400 REQ-003 naming the field.
`obj({...})` checks an object: listed fields in order, required ones first wrapped in `req(...)`,
unknown fields dropped. `null` is a wrong type everywhere, as for contacts.
"""

from urllib.parse import urlsplit

from common import parse_date_time, required_field, wrong_field


def req(rule):
    def check(value, path):
        return rule(value, path)
    check.required = True
    return check


def string(value, path):
    if not isinstance(value, str):
        raise wrong_field(path, "a string")
    return value


def text(value, path):
    """A non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise wrong_field(path, "a non-empty string")
    return value


def boolean(value, path):
    if not isinstance(value, bool):
        raise wrong_field(path, "a boolean")
    return value


def number(value, path):
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise wrong_field(path, "a number")
    return value


def count(value, path):
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise wrong_field(path, "an integer >= 0")
    return value


def date_time(value, path):
    if parse_date_time(value) is None:
        raise wrong_field(path, "an ISO-8601 date-time string with a time zone, such as 2024-01-31T12:00:00Z")
    return value


def url(value, path):
    try:
        parts = urlsplit(value) if isinstance(value, str) else None
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except (ValueError, AttributeError):  # "http://[::1" and such
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname \
            or any(c.isspace() or ord(c) < 32 for c in value):
        raise wrong_field(path, "an http or https URL")
    return value


def one_of(*choices):
    def check(value, path):
        if value not in choices:
            raise wrong_field(path, "one of " + ", ".join(map(str, choices)))
        return value
    return check


def free_object(value, path):
    if not isinstance(value, dict):
        raise wrong_field(path, "an object")
    return value


def array(rule=None, nonempty=False):
    def check(value, path):
        if not isinstance(value, list) or (nonempty and not value):
            raise wrong_field(path, "a non-empty array" if nonempty else "an array")
        return [rule(v, f"{path}[{i}]") if rule else v for i, v in enumerate(value)]
    return check


def obj(fields):
    def check(value, path):
        if not isinstance(value, dict):
            raise wrong_field(path, "an object")
        return fields_of(value, fields, path + ".")
    return check


def fields_of(body, fields, prefix=""):
    """Validate a top-level body (or nested object) against {name: rule}; keep only listed fields."""
    out = {}
    for name, rule in fields.items():
        if name not in body:
            if getattr(rule, "required", False):
                raise required_field(prefix + name)
            continue
        out[name] = rule(body[name], prefix + name)
    return out


def scalar(value, path):
    if isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    raise wrong_field(path, "a string or a number")


MEDIA = obj({"url": req(url), "type": string, "name": string, "filename": string})
COMPARATORS = ("=", "!=", "<", "<=", ">", ">=")
ATTRIBUTE_FILTER = obj({"attribute": req(text), "comparator": one_of(*COMPARATORS),
                        "value": req(array(scalar, nonempty=True))})
