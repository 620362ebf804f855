"""Contact upload: POST /contacts with Content-Type text/csv (RFC 4180, header row first)."""

import csv
import io

import contacts
from common import check_charset, media_type
from errors import ApiError

# Header names are matched case-insensitively to these columns; every other column is an attribute.
COLUMNS = {"firstname": "firstName", "lastname": "lastName", "email": "email", "mobile": "mobile",
           "country": "country"}


def _bad(message):
    return ApiError(400, "REQ-003", message)


def _rows(req):
    check_charset(media_type(req)[1], "CSV")
    try:
        text = req.body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise ApiError(400, "REQ-001", "CSV body is not valid UTF-8") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as e:
        raise ApiError(400, "REQ-001", f"Malformed CSV: {e}") from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise _bad("The CSV needs a header row naming its columns")
    header = [COLUMNS.get(name.strip().lower(), name.strip()) for name in rows[0]]
    if "" in header:
        raise _bad("The CSV header has an empty column name")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise _bad("The CSV header repeats column(s): " + ", ".join(duplicates))
    if "mobile" not in header:
        raise _bad("mobile is required: the CSV header has no mobile column")
    return header, [row for row in rows[1:] if row]  # blank lines are skipped


def _request(values):
    """The ContactRequest one CSV row stands for."""
    body = {name: values[name] for name in ("firstName", "lastName", "email") if values.get(name)}
    mobile = {"number": values["mobile"]} if values["mobile"] else {}
    if values.get("country"):
        mobile["country"] = values["country"]
    if mobile:
        body["mobile"] = mobile
    attributes = {name: value for name, value in values.items() if name not in COLUMNS.values() and value != ""}
    if attributes:
        body["attributes"] = attributes
    return body


def run(ctx, strategy):
    """Import every valid row; return the ContactUploadResponse data."""
    header, rows = _rows(ctx.req)
    book = ctx.db["contacts"]
    errors, touched, index = [], [], contacts.number_index(book)
    inserted = updated = 0
    for n, row in enumerate(rows, 1):
        if len(row) != len(header):
            errors.append({"row": n, "code": "REQ-003",
                           "message": f"The row has {len(row)} fields, the header {len(header)}"})
            continue
        try:
            fields = contacts.parse_request(_request(dict(zip(header, row))))
            if "mobile" not in fields:
                raise contacts.invalid_mobile()
        except ApiError as e:
            errors.append({"row": n, "code": e.code, "message": e.message})
            continue
        record, created = contacts.upsert(book, fields, strategy, ctx.actor, index)
        inserted, updated = inserted + created, updated + (not created)
        touched.append(record["id"])
    return {"contacts": [book[i] for i in dict.fromkeys(touched)], "errors": errors, "inserted": inserted,
            "updated": updated, "submitted": len(rows), "success": inserted + updated}
