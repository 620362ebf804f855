"""Contacts over HTTP: list, create (JSON or CSV import), get, replace, delete."""

import contacts
import csv_import
from common import deleted, item, json_object_body, media_type, not_found, page, single
from errors import ApiError


def unknown_contact():
    return not_found("CONT-002", "Invalid contact id")


def _list(ctx):
    filters = {}
    for name in contacts.FILTERS:
        value = single(ctx.req, name)
        if value:
            filters[name] = value
    return page(ctx.req, (c for c in ctx.db["contacts"].values() if contacts.matches(c, filters)))


def _create(ctx):
    strategy = single(ctx.req, "mergeStrategy")
    strategy = "append" if strategy is None else strategy
    if strategy not in contacts.STRATEGIES:
        raise ApiError(400, "REQ-002", "mergeStrategy must be one of append, core, remove")
    if media_type(ctx.req)[0] == "text/csv":
        return item(csv_import.run(ctx, strategy), 201)
    fields = contacts.parse_request(json_object_body(ctx.req))
    if "mobile" not in fields:
        raise contacts.invalid_mobile()
    record, _ = contacts.upsert(ctx.db["contacts"], fields, strategy, ctx.actor)
    return item([record], 201)


def _get(ctx, contact_id):
    if contact_id not in ctx.db["contacts"]:
        raise unknown_contact()
    return item(ctx.db["contacts"][contact_id])


def _replace(ctx, contact_id):
    book = ctx.db["contacts"]
    fields = contacts.parse_request(json_object_body(ctx.req))
    if contact_id not in book:
        raise unknown_contact()
    book[contact_id] = contacts.build(contact_id, fields, ctx.actor, book[contact_id])
    return item(book[contact_id])


def _delete(ctx, contact_id):
    if ctx.db["contacts"].pop(contact_id, None) is None:
        raise unknown_contact()
    return deleted()


ROUTES = [
    ("/v1/accounts/{acc}/contacts", {"GET": _list, "POST": _create}),
    ("/v1/accounts/{acc}/contacts/{id}", {"GET": _get, "PUT": _replace, "DELETE": _delete}),
]
