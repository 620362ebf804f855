"""Contacts: request validation, merge strategies, the stored (= output) form and list filters."""

import copy
import datetime
import re

from common import new_id
from errors import ApiError

# Writable fields, in the order of the documented Contact example (tags comes from spec 1.0.1).
WRITABLE = ("email", "firstName", "lastName", "mobile", "lists", "attributes", "optIn", "blocked",
            "activecampaign", "hubspot", "pipedrive", "tags")
CORE = ("firstName", "lastName", "email")
STRATEGIES = ("append", "core", "remove")
FILTERS = ("firstName", "lastName", "mobile", "email", "tags")
OPTED_OUT = {"code": "CONT-010", "description": "Contact has requested no further communication"}

_SEPARATORS = re.compile(r"[ .()\-]")
_NUMBER = re.compile(r"\+?[0-9]{7,15}")
_COUNTRY = re.compile(r"[A-Za-z]{2}")


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def number_key(number):
    """What identifies a number whatever its punctuation: two spellings of one number merge."""
    return _SEPARATORS.sub("", number).lstrip("+")


def invalid_mobile():
    return ApiError(400, "CONT-001", "Invalid mobile number")


def _wrong(field, what):
    return ApiError(400, "REQ-003", f"{field} must be {what}")


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _date_time(field, value):
    try:
        datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise _wrong(field, "an ISO-8601 date-time string") from None


def _integration(field, value):
    if not isinstance(value, dict) or not _is_number(value.get("id")):
        raise _wrong(field, 'an object with a numeric "id"')
    return {"id": value["id"]}


def _tags(value):
    if not isinstance(value, list):
        raise _wrong("tags", "an array")
    for i, tag in enumerate(value):
        if not isinstance(tag, dict) or not isinstance(tag.get("tag"), str):
            raise _wrong(f"tags[{i}]", 'an object with a string "tag"')
        if "visible" in tag and not isinstance(tag["visible"], bool):
            raise _wrong(f"tags[{i}].visible", "a boolean")
    return value


def _mobile(value):
    if not isinstance(value, dict):
        raise _wrong("mobile", "an object")
    for name in ("number", "country"):
        if name in value and not isinstance(value[name], str):
            raise _wrong(f"mobile.{name}", "a string")
    if "number" not in value or not _NUMBER.fullmatch(_SEPARATORS.sub("", value["number"])):
        raise invalid_mobile()
    mobile = {"number": value["number"]}
    if "country" in value:
        if not _COUNTRY.fullmatch(value["country"]):
            raise invalid_mobile()
        mobile["country"] = value["country"].upper()
    return mobile


def parse_request(body):
    """Validate a ContactRequest and return its writable fields; read-only and unknown ones are dropped.

    Type errors (REQ-003) are reported before an invalid mobile number (CONT-001).
    """
    fields = {}
    for name in WRITABLE:
        if name not in body or name == "mobile":
            continue
        value = body[name]
        if name in CORE and not isinstance(value, str):
            raise _wrong(name, "a string")
        if name in ("optIn", "blocked"):
            _date_time(name, value)
        elif name == "attributes" and not isinstance(value, dict):
            raise _wrong(name, "an object")
        elif name == "lists":
            if not isinstance(value, list):
                raise _wrong(name, "an array")
            for i, item in enumerate(value):
                if not isinstance(item, dict):
                    raise _wrong(f"lists[{i}]", "an object")
        elif name in ("activecampaign", "hubspot", "pipedrive"):
            value = _integration(name, value)
        elif name == "tags":
            value = _tags(value)
        fields[name] = copy.deepcopy(value)
    if "mobile" in body:
        fields["mobile"] = _mobile(body["mobile"])
    return fields


def writable_of(record):
    fields = {name: copy.deepcopy(record[name]) for name in WRITABLE if name in record}
    if "mobile" in fields:
        fields["mobile"] = {k: v for k, v in fields["mobile"].items() if k in ("number", "country")}
    return fields


def merge(existing, fields, strategy):
    """The writable fields after POSTing `fields` onto a contact with the same number."""
    if strategy == "remove":
        return fields
    merged = writable_of(existing)
    merged.update({k: v for k, v in fields.items() if strategy == "append" or k in CORE})
    return merged


def build(contact_id, fields, actor, previous=None):
    """The stored form of a contact, which is also exactly what the API returns."""
    stamp = {"at": now_iso(), "by": actor}
    record = {"id": contact_id}
    for name in WRITABLE:
        if name == "mobile" and "mobile" in fields:
            mobile = fields["mobile"]
            old = previous.get("mobile") if previous else None
            same = old is not None and number_key(old["number"]) == number_key(mobile["number"])
            record["mobile"] = {k: mobile[k] for k in ("country", "number") if k in mobile}
            record["mobile"].update(verified=old.get("verified") if same else None,
                                    valid=True, lineType="mobile")
        elif name in fields:
            record[name] = fields[name]
        elif name == "lists":
            record[name] = []
        elif name == "attributes":
            record[name] = {}
    record["valid"] = "mobile" in record  # invalid numbers never get stored
    if "blocked" in record:
        record["error"] = dict(OPTED_OUT)
    record["created"] = previous["created"] if previous else copy.deepcopy(stamp)
    record["updated"] = stamp
    return record


def matches(record, filters):
    """Filters are case-insensitive substrings; `tags` is a comma list, each part matching some tag."""
    for name, wanted in filters.items():
        want = wanted.casefold()
        if name == "mobile":
            number = record.get("mobile", {}).get("number")
            if number is None or (want not in number.casefold()
                                  and number_key(wanted) not in number_key(number)):
                return False
        elif name == "tags":
            tags = [t["tag"].casefold() for t in record.get("tags", [])]
            parts = [p.strip() for p in want.split(",") if p.strip()]
            if not all(any(part in tag for tag in tags) for part in parts):
                return False
        else:
            value = record.get(name)
            if not isinstance(value, str) or want not in value.casefold():
                return False
    return True


def find_by_number(book, number):
    key = number_key(number)
    return next((c for c in book.values()
                 if "mobile" in c and number_key(c["mobile"]["number"]) == key), None)


def number_index(book):
    """{number key: contact id}, for bulk work (a CSV upload) that would otherwise scan per row."""
    return {number_key(c["mobile"]["number"]): c["id"] for c in book.values() if "mobile" in c}


def upsert(book, fields, strategy, actor, index=None):
    """Create a contact from validated fields, or merge them into the one with the same number.

    `index`, when given, is a number_index(book) kept up to date. Returns (record, True if created)."""
    if index is None:
        existing = find_by_number(book, fields["mobile"]["number"])
    else:
        existing = book.get(index.get(number_key(fields["mobile"]["number"])))
    if existing is None:
        contact_id = new_id()
        record = build(contact_id, fields, actor)
    else:
        contact_id = existing["id"]
        record = build(contact_id, merge(existing, fields, strategy), actor, existing)
    book[contact_id] = record
    if index is not None:
        if existing is not None and "mobile" in existing:
            index.pop(number_key(existing["mobile"]["number"]), None)
        if "mobile" in record:
            index[number_key(record["mobile"]["number"])] = contact_id
    return record, existing is None
