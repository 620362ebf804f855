"""Control calls that make data: /_sandbox/seed, /_sandbox/inbound and the shared files."""

import json

import contacts
import messaging
from common import Raw, new_id
from errors import ApiError

FILES = "/_sandbox/files/"
MAX_SEED = 100000


def _bad(message):
    return ApiError(400, "REQ-003", message)


def _account(state, body):
    account = body.get("account", state.accounts[0])
    if account not in state.data:
        raise _bad(f"unknown account: {account!r}")
    return state.data[account]


def seed(state, body, only):
    """{"contacts": N[, "account": id]}: N valid contacts with fresh numbers; answers their ids."""
    only(body, ("contacts", "account"), "seed")
    n = body.get("contacts")
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAX_SEED:
        raise _bad(f"contacts must be an integer between 0 and {MAX_SEED}")
    book = _account(state, body)["contacts"]
    taken = {contacts.number_key(c["mobile"]["number"]) for c in book.values() if "mobile" in c}
    actor = {"id": state.client_id, "name": "API", "source": "api"}
    ids, serial = [], len(book)
    while len(ids) < n:
        serial += 1
        number = f"+1555{serial:07d}"
        if contacts.number_key(number) in taken:
            continue
        record = contacts.build(new_id(), {
            "firstName": f"Seeded{serial}", "lastName": "Contact", "email": f"seeded{serial}@example.com",
            "mobile": {"number": number, "country": "US"}}, actor)
        book[record["id"]] = record
        ids.append(record["id"])
    return 200, {"success": True, "ids": ids}


def inbound(state, body, only):
    """{"mobile": number | "contactId": id, "message": text[, "account": id]}: an SMS from a contact."""
    only(body, ("mobile", "contactId", "message", "account"), "inbound")
    db = _account(state, body)
    if ("mobile" in body) == ("contactId" in body):
        raise _bad("give exactly one of mobile and contactId")
    if not isinstance(body.get("message"), str) or not body["message"]:
        raise _bad("message must be a non-empty string")
    if "contactId" in body:
        contact = db["contacts"].get(body["contactId"]) if isinstance(body["contactId"], str) else None
        if contact is None:
            raise _bad(f"unknown contactId: {body['contactId']!r}")
    else:
        if not isinstance(body["mobile"], str):
            raise _bad("mobile must be a string")
        try:
            fields = contacts.parse_request({"mobile": {"number": body["mobile"]}})
        except ApiError:
            raise _bad(f"mobile is not a valid number: {body['mobile']!r}") from None
        # An SMS from an unknown number makes a contact, as Sakari does.
        contact = contacts.find_by_number(db["contacts"], body["mobile"])
        if contact is None:
            contact, _ = contacts.upsert(db["contacts"], fields, "append", messaging.INBOUND_ACTOR)
    return 200, {"success": True, "data": messaging.receive(db, contact, body["message"])}


def stored_contacts(state, req):
    """?account=id: every stored contact as canonical JSON text (keys sorted, no spaces), by id, so a test
    can compare what the server holds byte for byte, integers and empty arrays included."""
    unknown = sorted(set(req.query) - {"account"})
    if unknown:
        raise _bad(f"unknown query parameter(s): {', '.join(unknown)}")
    account = (req.query.get("account") or [state.accounts[0]])[-1]
    if account not in state.data:
        raise _bad(f"unknown account: {account!r}")
    book = state.data[account]["contacts"]
    texts = {cid: json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
             for cid, record in book.items()}
    return 200, {"contacts": texts}


def file(state, req):
    if req.method != "GET":
        raise ApiError(405, "REQ-405", f"Method {req.method} not allowed", {"Allow": "GET"})
    found = state.files.get(req.path[len(FILES):])
    if found is None:
        raise ApiError(404, "REQ-404", "No such file")
    content_type, data = found
    return 200, Raw(data, content_type)
