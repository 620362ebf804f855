"""Accounts, balance and custom attributes."""

from common import item, json_object_body, lookup, new_id, not_found, page, stamp
from errors import ApiError
from schema import fields_of, req, string, text

ATTRIBUTE_TYPES = ("contacts", "deals", "tickets")
ATTRIBUTE = {"name": req(text), "label": string, "dataType": text}


def _accounts(ctx):
    return page(ctx.req, [ctx.state.data[acc]["account"] for acc in ctx.state.accounts])


def _attribute_type(kind):
    if kind not in ATTRIBUTE_TYPES:
        # Only the three types exist, so any other segment names no endpoint.
        raise ApiError(404, "REQ-404", "attributeType must be one of " + ", ".join(ATTRIBUTE_TYPES))
    return kind


def _attribute(ctx, attribute_id, kind, fields, previous=None):
    return {"id": attribute_id, "name": fields["name"], "label": fields.get("label", fields["name"]),
            "type": kind, "dataType": fields.get("dataType", "text"),
            "created": previous["created"] if previous else stamp(ctx.actor), "updated": stamp(ctx.actor)}


def _create_attribute(ctx, kind):
    kind = _attribute_type(kind)
    record = _attribute(ctx, new_id(), kind, fields_of(json_object_body(ctx.req), ATTRIBUTE))
    ctx.db["attributes"][record["id"]] = record
    return item(record, 201)


def _update_attribute(ctx, kind, attribute_id):
    kind = _attribute_type(kind)
    fields = fields_of(json_object_body(ctx.req), ATTRIBUTE)
    previous = lookup(ctx.db["attributes"], attribute_id, "ATTR-002", "Invalid attribute id")
    if previous["type"] != kind:
        raise not_found("ATTR-002", f"Invalid attribute id: no {kind} attribute {attribute_id}")
    ctx.db["attributes"][attribute_id] = _attribute(ctx, attribute_id, kind, fields, previous)
    return item(ctx.db["attributes"][attribute_id])


ROUTES = [
    ("/v1/accounts", {"GET": _accounts}),
    ("/v1/accounts/{acc}", {"GET": lambda ctx: item(ctx.db["account"])}),
    ("/v1/accounts/{acc}/balance", {"GET": lambda ctx: item(ctx.db["balance"])}),
    ("/v1/accounts/{acc}/attributes", {"GET": lambda ctx: page(ctx.req, ctx.db["attributes"].values())}),
    ("/v1/accounts/{acc}/attributes/{type}", {"POST": _create_attribute}),
    ("/v1/accounts/{acc}/attributes/{type}/{id}", {"PUT": _update_attribute}),
]
