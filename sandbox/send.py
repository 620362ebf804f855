"""POST /v1/accounts/{acc}/messages: resolve the recipients, then queue one message per contact.

Everything is checked before anything is stored, so a refused request changes nothing.
"""

import copy

import contacts
import messaging
from common import item, json_object_body, new_id, not_found
from errors import ApiError
from schema import ATTRIBUTE_FILTER, MEDIA, array, fields_of, obj, one_of, req, string, text

MAX_RECIPIENTS = 100
REQUEST = {
    "contacts": array(),
    "conversations": array(text),
    "filters": obj({"tags": array(text), "attributes": array(ATTRIBUTE_FILTER)}),
    "template": req(text),
    "type": one_of("SMS", "MMS"),
    "media": array(MEDIA),
    "phoneNumberFilter": obj({"group": req(obj({"id": req(text)}))}),
    "conversationStrategy": string,
}
NO_MOBILE = {"code": "CONT-001", "description": "Invalid mobile number"}


def _compare(have, comparator, wanted):
    try:
        a, b = float(have), float(wanted)
    except (TypeError, ValueError):
        a, b = str(have).casefold(), str(wanted).casefold()
    return {"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[comparator]


def matches_filters(contact, filters):
    """Every tag present (case-insensitive) and every attribute condition true."""
    tags = {t["tag"].casefold() for t in contact.get("tags", [])}
    if not all(tag.casefold() in tags for tag in filters.get("tags", [])):
        return False
    for condition in filters.get("attributes", []):
        attributes = contact.get("attributes", {})
        comparator = condition.get("comparator", "=")
        if condition["attribute"] not in attributes:
            return comparator == "!="
        have = attributes[condition["attribute"]]
        if comparator == "!=":
            if any(_compare(have, "=", v) for v in condition["value"]):
                return False
        elif comparator == "=":
            if not any(_compare(have, "=", v) for v in condition["value"]):
                return False
        elif not _compare(have, comparator, condition["value"][0]):
            return False
    return True


def _entry(book, entry, path):
    """One `contacts` item: ("contact", record) | ("new", fields) | ("invalid", contact-like)."""
    if not isinstance(entry, dict):
        raise ApiError(400, "REQ-003", f"{path} must be an object")
    if "id" in entry:
        if not isinstance(entry["id"], str):
            raise ApiError(400, "REQ-003", f"{path}.id must be a string")
        if entry["id"] not in book:
            raise not_found("CONT-002", f"Invalid contact id: {entry['id']}")
        return "contact", book[entry["id"]]
    if "mobile" not in entry:
        raise ApiError(400, "REQ-003", f"{path} needs an id or mobile.number")
    try:
        fields = contacts.parse_request(entry)
    except ApiError as e:
        if e.code != "CONT-001":
            raise ApiError(400, e.code, f"{path}.{e.message}") from None
        invalid = {k: copy.deepcopy(entry[k]) for k in ("firstName", "lastName", "email", "mobile") if k in entry}
        return "invalid", {**invalid, "error": dict(NO_MOBILE)}
    existing = contacts.find_by_number(book, fields["mobile"]["number"])
    return ("contact", existing) if existing else ("new", fields)


def _recipients(ctx, request):
    book, db = ctx.db["contacts"], ctx.db
    planned = [_entry(book, e, f"contacts[{i}]") for i, e in enumerate(request.get("contacts", []))]
    for conversation_id in request.get("conversations", []):
        if conversation_id not in db["conversations"]:
            raise not_found("CONV-001", f"Invalid conversation id: {conversation_id}")
        planned.append(("contact", messaging.contact_of(db, db["conversations"][conversation_id])))
    if "filters" in request:
        filters = request["filters"]
        if not filters.get("tags") and not filters.get("attributes"):
            raise ApiError(400, "REQ-003", "filters needs at least one tag or attribute condition")
        planned += [("contact", c) for c in book.values() if matches_filters(c, filters)]
    if len(planned) > MAX_RECIPIENTS:
        raise ApiError(400, "REQ-003", f"At most {MAX_RECIPIENTS} recipients per call, this one has {len(planned)}")
    # One message per contact: repeats (by contact id, or by number for new contacts) are dropped.
    seen, unique = set(), []
    for kind, value in planned:
        key = (value["id"] if kind == "contact" else contacts.number_key(value["mobile"]["number"])
               if kind == "new" else object())
        if key not in seen:
            seen.add(key)
            unique.append((kind, value))
    return unique


def send(ctx):
    request = fields_of(json_object_body(ctx.req), REQUEST)
    if not request.get("contacts") and not request.get("conversations") and "filters" not in request:
        raise ApiError(400, "REQ-003", "contacts, conversations or filters is required (no recipients)")
    group = request.get("phoneNumberFilter", {}).get("group", {}).get("id")
    if group is not None and group not in ctx.db["groups"]:
        raise not_found("GRP-002", f"Invalid group id: {group}")
    recipients = _recipients(ctx, request)
    kind = request.get("type", "MMS" if request.get("media") else "SMS")
    number = messaging.sending_number(ctx.db, group)
    messages, invalid = [], []
    for what, value in recipients:
        if what == "invalid":
            invalid.append(value)
            continue
        contact = value
        if what == "new":
            contact, _ = contacts.upsert(ctx.db["contacts"], value, "append", ctx.actor)
        if "blocked" in contact or "mobile" not in contact:
            entry = copy.deepcopy(contact)
            entry["error"] = contact.get("error", dict(NO_MOBILE)) if "blocked" in contact else dict(NO_MOBILE)
            invalid.append(entry)
            continue
        text_ = messaging.render_template(request["template"], contact)
        message = messaging.add_message(ctx.db, contact, ctx.actor, text_, True, kind, request["template"],
                                        request.get("media"), number)
        messages.append(messaging.render_message(ctx.db, message))
    return item({"messages": messages, "jobId": new_id(), "requested": len(recipients),
                 "valid": len(messages), "invalid": invalid})
