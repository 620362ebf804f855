"""Messages and conversations: the stored records, their output form, the read endpoints, the closing
of a conversation, inbound messages (control API) and the CSV message report.

A stored message or conversation names its contact by id and keeps a snapshot of it; the output
shows the contact as it is now, or the snapshot once the contact is gone.
"""

import copy
import csv
import io
import json
import math
import re

import contacts
import send
from common import Raw, date_range, item, lookup, new_id, now_iso, page, stamp, text_param

DEFAULT_NUMBER = "+18005550100"  # the sending number when the account has no group with a number
STOP_WORDS = ("STOP", "CANCEL", "END", "OPTOUT", "OPT-OUT", "QUIT", "UNSUBSCRIBE")
INBOUND_ACTOR = {"id": "sandbox-inbound", "name": "Inbound SMS", "source": "sms"}
_GSM = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
           "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
_GSM_EXTENDED = set("^{}\\[~]|€\f")
_PLACEHOLDER = re.compile(r"\{\{\{?\s*(?:contact\.)?([A-Za-z_][A-Za-z0-9_.]*)\s*\}?\}\}")
MESSAGE_FIELDS = ("id", "status", "type", "message", "template", "outgoing", "phoneNumber", "price",
                  "segments", "read", "media")


def segments(text, kind):
    """SMS segments: GSM-7 (160 alone, 153 per part) or UCS-2 (70 alone, 67 per part); MMS is one."""
    if kind == "MMS":
        return 1
    if all(c in _GSM or c in _GSM_EXTENDED for c in text):
        units, single, part = len(text) + sum(c in _GSM_EXTENDED for c in text), 160, 153
    else:
        units, single, part = len(text.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else math.ceil(units / part)


def render_template(template, contact):
    """Fill {{firstName}}, {{ contact.lastName }}, {{{email}}}, {{mobile}} and attribute names."""
    def value(match):
        name = match.group(1)
        if name in ("mobile", "mobile.number"):
            found = contact.get("mobile", {}).get("number")
        elif name in ("id", "firstName", "lastName", "email"):
            found = contact.get(name)
        else:
            found = contact.get("attributes", {}).get(name.removeprefix("attributes."))
        if found is None:
            return ""
        return found if isinstance(found, str) else json.dumps(found)
    return _PLACEHOLDER.sub(value, template)


def contact_of(db, record):
    return db["contacts"].get(record["contactId"], record["contactSnapshot"])


def conversation_ref(db, conversation_id):
    conversation = db["conversations"][conversation_id]
    return {"id": conversation_id, "closed": conversation["closed"], "type": conversation["type"]}


def render_message(db, message):
    out = {name: copy.deepcopy(message[name]) for name in MESSAGE_FIELDS if name in message}
    out["contact"] = copy.deepcopy(contact_of(db, message))
    out["conversation"] = conversation_ref(db, message["conversationId"])
    out["created"], out["updated"] = copy.deepcopy(message["created"]), copy.deepcopy(message["updated"])
    return out


def render_conversation(db, conversation):
    out = {"id": conversation["id"], "contact": copy.deepcopy(contact_of(db, conversation)),
           "closed": conversation["closed"]}
    if conversation["messages"]:
        out["lastMessage"] = render_message(db, db["messages"][conversation["messages"][-1]])
    out.update(unread=list(conversation["unread"]), type=conversation["type"],
               created=copy.deepcopy(conversation["created"]), updated=copy.deepcopy(conversation["updated"]))
    return out


def conversation_for(db, contact, actor):
    """The contact's conversation (one per contact), made on first use."""
    for conversation in db["conversations"].values():
        if conversation["contactId"] == contact["id"]:
            return conversation
    conversation = {"id": new_id(), "contactId": contact["id"], "contactSnapshot": copy.deepcopy(contact),
                    "closed": None, "unread": [], "type": "SMS", "messages": [],
                    "created": stamp(actor), "updated": stamp(actor)}
    db["conversations"][conversation["id"]] = conversation
    return conversation


def add_message(db, contact, actor, text, outgoing, kind="SMS", template=None, media=None, number=None):
    """Store one message in the contact's conversation; return the stored record."""
    conversation = conversation_for(db, contact, actor)
    count = segments(text, kind)
    message = {"id": new_id(), "status": "Queued" if outgoing else "Received", "type": kind, "message": text}
    if template is not None:
        message["template"] = template
    message.update(outgoing=outgoing, phoneNumber=number or sending_number(db, None),
                   price=round(count * db["balance"]["segmentPrice"], 4) if outgoing else 0,
                   segments=count, read=outgoing, media=copy.deepcopy(media or []),
                   contactId=contact["id"], contactSnapshot=copy.deepcopy(contact),
                   contactNumber=contact.get("mobile", {}).get("number", ""),
                   conversationId=conversation["id"], created=stamp(actor), updated=stamp(actor))
    db["messages"][message["id"]] = message
    conversation["messages"].append(message["id"])
    if not outgoing:
        conversation["unread"].append(message["id"])
        conversation["closed"] = None  # an inbound message reopens the conversation
    conversation["updated"] = stamp(actor)
    return message


def sending_number(db, group_id):
    groups = [db["groups"][group_id]] if group_id else list(db["groups"].values())
    numbers = [n["number"] for g in groups for n in g.get("phoneNumbers", [])]
    return numbers[0] if numbers else DEFAULT_NUMBER


def receive(db, contact, text):
    """An inbound SMS from `contact` (control API). A STOP word blocks the contact."""
    if text.strip().upper() in STOP_WORDS and "blocked" not in contact:
        fields = contacts.writable_of(contact)
        fields["blocked"] = now_iso()
        contact = contacts.build(contact["id"], fields, INBOUND_ACTOR, contact)
        db["contacts"][contact["id"]] = contact
    return render_message(db, add_message(db, contact, INBOUND_ACTOR, text, outgoing=False))


# --- endpoints -------------------------------------------------------------------------------

def _messages(ctx):
    contact_id, conversation_id = text_param(ctx.req, "contactId"), text_param(ctx.req, "conversationId")
    found = [m for m in ctx.db["messages"].values()
             if contact_id in (None, m["contactId"]) and conversation_id in (None, m["conversationId"])]
    return page(ctx.req, [render_message(ctx.db, m) for m in found])


def _message(ctx, message_id):
    return item(render_message(ctx.db, lookup(ctx.db["messages"], message_id, "MSG-002", "Invalid message id")))


def _conversations(ctx):
    return page(ctx.req, [render_conversation(ctx.db, c) for c in ctx.db["conversations"].values()])


def _conversation(ctx, conversation_id):
    conversation = lookup(ctx.db["conversations"], conversation_id, "CONV-001", "Invalid conversation id")
    return item(render_conversation(ctx.db, conversation))


def _close(ctx, conversation_id):
    conversation = lookup(ctx.db["conversations"], conversation_id, "CONV-001", "Invalid conversation id")
    if conversation["closed"] is None:  # closing a closed conversation keeps its first close time
        conversation["closed"] = now_iso()
        conversation["updated"] = stamp(ctx.actor)
    return item(render_conversation(ctx.db, conversation))


def _report(ctx):
    start, end = date_range(ctx.req)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "created", "direction", "status", "from", "to", "segments", "price"])
    for m in ctx.db["messages"].values():
        if start.isoformat() <= m["created"]["at"][:10] <= end.isoformat():
            ends = [m["phoneNumber"], m["contactNumber"]]
            ends = ends if m["outgoing"] else ends[::-1]
            writer.writerow([m["id"], m["created"]["at"], "outbound" if m["outgoing"] else "inbound",
                             m["status"], *ends, m["segments"], m["price"]])
    return 200, Raw(out.getvalue().encode("utf-8"), "text/csv; charset=utf-8")


ROUTES = [
    ("/v1/accounts/{acc}/messages", {"GET": _messages, "POST": send.send}),
    ("/v1/accounts/{acc}/messages/{id}", {"GET": _message}),
    ("/v1/accounts/{acc}/conversations", {"GET": _conversations}),
    ("/v1/accounts/{acc}/conversations/{id}", {"GET": _conversation}),
    ("/v1/accounts/{acc}/conversations/{id}/close", {"PUT": _close}),
    ("/v1/accounts/{acc}/reports/messages", {"GET": _report}),
]
