"""Lead forms and lead-form templates."""

import copy
import datetime
import hashlib

from common import (bad_query, date_range, deleted, has, item, json_object_body, lookup, new_id, not_found,
                    now_iso, page, single, stamp, text_param)
from schema import fields_of, req, text

FORM = {"name": req(text)}
ORDER_FIELDS = ("name", "created", "updated", "active", "impressions", "conversions")
MAX_DAYS = 366


def _form(ctx, form_id):
    return lookup(ctx.db["forms"], form_id, "FORM-002", "Invalid form id")


def _sort_key(field):
    def key(form):
        value = form.get(field)
        if isinstance(value, dict):  # created / updated
            value = value["at"]
        return (value is None, value.casefold() if isinstance(value, str) else value)
    return key


def _search(ctx, forms):
    """`q`: substring of the name; `orderBy`: a field, `-field` for descending."""
    q, order = text_param(ctx.req, "q"), text_param(ctx.req, "orderBy")
    found = [f for f in forms if q is None or has(f["name"], q)]
    if order is not None:
        field = order.removeprefix("-")
        if field not in ORDER_FIELDS:
            raise bad_query("orderBy must be one of " + ", ".join(ORDER_FIELDS) + ", optionally prefixed by -")
        nulls = [f for f in found if f.get(field) is None]
        found = sorted((f for f in found if f.get(field) is not None), key=_sort_key(field),
                       reverse=order.startswith("-")) + nulls
    return page(ctx.req, found)


def _create(ctx):
    template_id = single(ctx.req, "template")
    fields = fields_of(json_object_body(ctx.req), FORM)
    record = {"id": new_id(), "name": fields["name"], "active": None, "impressions": 0, "conversions": 0}
    if template_id is not None:
        template = ctx.db["formTemplates"].get(template_id)
        if template is None:
            raise not_found("FORM-002", f"Invalid form template id: {template_id}")
        extra = {k: copy.deepcopy(v) for k, v in template.items() if k not in record and k not in ("created", "updated")}
        record.update(extra)
    record.update(created=stamp(ctx.actor), updated=stamp(ctx.actor))
    ctx.db["forms"][record["id"]] = record
    return item(record, 201)


def _rename(ctx, form_id):
    fields = fields_of(json_object_body(ctx.req), FORM)
    form = _form(ctx, form_id)
    form.update(name=fields["name"], updated=stamp(ctx.actor))
    return item(form)


def _delete(ctx, form_id):
    _form(ctx, form_id)
    del ctx.db["forms"][form_id]
    return deleted()


def _activate(ctx, form_id, on):
    form = _form(ctx, form_id)
    if bool(form["active"]) != on:  # activating an active form keeps its activation time
        form.update(active=now_iso() if on else None, updated=stamp(ctx.actor))
    return item(form)


def _days(req):
    start, end = date_range(req)
    if (end - start).days >= MAX_DAYS:
        raise bad_query(f"start to end spans at most {MAX_DAYS} days")
    return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]


def _analytics(ctx, form_id):
    _form(ctx, form_id)
    data = []
    for day in _days(ctx.req):
        # Made-up but stable numbers: the same form and day always give the same figures.
        digest = hashlib.sha256(f"{form_id}/{day}".encode()).digest()
        impressions = digest[0] % 50
        data.append({"date": day.isoformat(), "impressions": impressions,
                     "conversions": digest[1] % (impressions + 1) // 4})
    return item({"impressions": sum(d["impressions"] for d in data),
                 "conversions": sum(d["conversions"] for d in data), "data": data})


def _conversions(ctx, form_id):
    _form(ctx, form_id)
    days = _days(ctx.req)
    first, last = days[0].isoformat(), days[-1].isoformat()
    return page(ctx.req, [c for c in ctx.db["formConversions"].get(form_id, [])
                          if first <= c["submitted"][:10] <= last])


ROUTES = [
    ("/v1/accounts/{acc}/forms", {"GET": lambda ctx: _search(ctx, ctx.db["forms"].values()), "POST": _create}),
    ("/v1/accounts/{acc}/forms/templates", {"GET": lambda ctx: _search(ctx, ctx.db["formTemplates"].values())}),
    ("/v1/accounts/{acc}/forms/{id}", {"GET": lambda ctx, i: item(_form(ctx, i)), "PUT": _rename,
                                       "DELETE": _delete}),
    ("/v1/accounts/{acc}/forms/{id}/activate", {"PUT": lambda ctx, i: _activate(ctx, i, True)}),
    ("/v1/accounts/{acc}/forms/{id}/deactivate", {"PUT": lambda ctx, i: _activate(ctx, i, False)}),
    ("/v1/accounts/{acc}/forms/{id}/analytics", {"GET": _analytics}),
    ("/v1/accounts/{acc}/forms/{id}/conversions", {"GET": _conversions}),
]
