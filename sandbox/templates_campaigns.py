"""Templates, campaigns and quick campaigns."""

import copy

from common import deleted, has, item, json_object_body, lookup, new_id, not_found, page, stamp, text_param
from schema import (ATTRIBUTE_FILTER, MEDIA, array, boolean, date_time, fields_of, number, obj, one_of, req,
                    string, text)

TEMPLATE = {"name": req(text), "type": one_of("SMS", "Web"), "template": req(text), "media": array(MEDIA)}
TRIGGERS = {"M": "Manual", "S": "Scheduled", "FU": "File Upload", "V2": "V2"}
TAG = obj({"tag": req(string), "visible": boolean})
CAMPAIGN = {
    "name": req(text),
    "description": string,
    "trigger": req(obj({"code": req(one_of(*TRIGGERS))})),
    "template": req(text),
    "filters": obj({"list": string, "q": string, "contacts": array(string), "tags": array(TAG),
                    "attributes": array(ATTRIBUTE_FILTER)}),
    "fieldMappings": array(obj({"attribute": req(string), "column": req(string), "mandatory": boolean})),
    "media": array(MEDIA),
    "phoneNumberFilter": obj({"group": req(obj({"id": req(text)}))}),
    "schedule": obj({"frequency": string, "timezone": string, "cron": string}),
    "reporting": obj({"when": string, "delay": number, "unit": string, "destination": string}),
    "paused": boolean,
}
QUICK = {
    "name": req(text), "groupId": req(text), "listId": req(text),
    "message": req(obj({"message": req(text), "media": array(MEDIA)})),
    "sendAt": date_time,
}
_CAMPAIGN_ORDER = ("id", "name", "description", "trigger", "template", "filters", "fieldMappings", "media",
                   "phoneNumberFilter", "schedule", "nextExecution", "reporting", "lastJob", "paused",
                   "created", "updated")


# --- templates -------------------------------------------------------------------------------

def _template(template_id, fields, actor, previous=None):
    record = {"id": template_id, "name": fields["name"], "type": fields.get("type", "SMS"),
              "template": fields["template"], "media": fields.get("media", [])}
    record["created"] = previous["created"] if previous else stamp(actor)
    record["updated"] = stamp(actor)
    return record


def _find_template(ctx, template_id):
    return lookup(ctx.db["templates"], template_id, "TMPL-002", "Invalid template id")


def _list_templates(ctx):
    name = text_param(ctx.req, "name")
    return page(ctx.req, (t for t in ctx.db["templates"].values() if name is None or has(t["name"], name)))


def _create_template(ctx):
    record = _template(new_id(), fields_of(json_object_body(ctx.req), TEMPLATE), ctx.actor)
    ctx.db["templates"][record["id"]] = record
    return 201, {"success": True, "data": [record]}  # a list of one, as the docs show


def _replace_template(ctx, template_id):
    fields = fields_of(json_object_body(ctx.req), TEMPLATE)
    record = _template(template_id, fields, ctx.actor, _find_template(ctx, template_id))
    ctx.db["templates"][template_id] = record
    return item(record)


def _delete_template(ctx, template_id):
    _find_template(ctx, template_id)
    del ctx.db["templates"][template_id]
    return deleted()


# --- campaigns -------------------------------------------------------------------------------

def _campaign(campaign_id, fields, actor, previous=None):
    fields = copy.deepcopy(fields)
    fields["trigger"] = {"code": fields["trigger"]["code"], "name": TRIGGERS[fields["trigger"]["code"]]}
    fields.setdefault("media", [])
    fields.setdefault("paused", False)
    if previous:
        for kept in ("nextExecution", "lastJob"):
            if kept in previous:
                fields[kept] = previous[kept]
    fields.update(id=campaign_id, created=previous["created"] if previous else stamp(actor), updated=stamp(actor))
    return {name: fields[name] for name in _CAMPAIGN_ORDER if name in fields}


def _find_campaign(ctx, campaign_id):
    return lookup(ctx.db["campaigns"], campaign_id, "CAMP-002", "Invalid campaign id")


def _list_campaigns(ctx):
    name = text_param(ctx.req, "name")
    return page(ctx.req, (c for c in ctx.db["campaigns"].values() if name is None or has(c["name"], name)))


def _create_campaign(ctx):
    record = _campaign(new_id(), fields_of(json_object_body(ctx.req), CAMPAIGN), ctx.actor)
    ctx.db["campaigns"][record["id"]] = record
    return item(record, 201)


def _replace_campaign(ctx, campaign_id):
    fields = fields_of(json_object_body(ctx.req), CAMPAIGN)
    record = _campaign(campaign_id, fields, ctx.actor, _find_campaign(ctx, campaign_id))
    ctx.db["campaigns"][campaign_id] = record
    return item(record)


def _delete_campaign(ctx, campaign_id):
    _find_campaign(ctx, campaign_id)
    del ctx.db["campaigns"][campaign_id]
    return deleted()


def _quick_campaign(ctx):
    q = fields_of(json_object_body(ctx.req), QUICK)
    if q["groupId"] not in ctx.db["groups"]:
        raise not_found("GRP-002", f"Invalid group id: {q['groupId']}")
    if q["listId"] not in ctx.db["lists"]:
        raise not_found("LIST-002", f"Invalid list id: {q['listId']}")
    fields = {"name": q["name"], "trigger": {"code": "M"}, "template": q["message"]["message"],
              "filters": {"list": q["listId"]}, "media": q["message"].get("media", []),
              "phoneNumberFilter": {"group": {"id": q["groupId"]}}}
    record = _campaign(new_id(), fields, ctx.actor)
    status = "Scheduled" if "sendAt" in q else "Queued"
    if "sendAt" in q:
        record["nextExecution"] = q["sendAt"]
    record["lastJob"] = {"id": new_id(), "status": status, "submitted": 0, "failures": 0, "price": 0,
                         "invalid": [], "created": record["created"]["at"]}
    record = {name: record[name] for name in _CAMPAIGN_ORDER if name in record}
    ctx.db["campaigns"][record["id"]] = record
    return item({"campaign": record, "job": {"id": record["lastJob"]["id"], "status": status}})


ROUTES = [
    ("/v1/accounts/{acc}/templates", {"GET": _list_templates, "POST": _create_template}),
    ("/v1/accounts/{acc}/templates/{id}", {"GET": lambda ctx, i: item(_find_template(ctx, i)),
                                           "PUT": _replace_template, "DELETE": _delete_template}),
    ("/v1/accounts/{acc}/campaigns", {"GET": _list_campaigns, "POST": _create_campaign}),
    ("/v1/accounts/{acc}/campaigns/{id}", {"GET": lambda ctx, i: item(_find_campaign(ctx, i)),
                                           "PUT": _replace_campaign, "DELETE": _delete_campaign}),
    ("/v1/accounts/{acc}/quickcampaigns", {"POST": _quick_campaign}),
]
