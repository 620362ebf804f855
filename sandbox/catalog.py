"""Fixture-backed resources: links, drip campaigns, available numbers, calls, autoresponders."""

import copy
import re

from common import (bad_query, date_time_param, has, item, json_object_body, lookup, not_found, page,
                    parse_date_time, stamp, text_param)
from schema import array, count, fields_of, obj, req, string, text

REF = obj({"id": req(text)})
DRIP = {
    "name": req(text),
    "description": string,
    "trigger": obj({"type": string, "message": string,
                    "delay": obj({"days": count, "hours": count, "minutes": count}), "groups": array(REF)}),
    "list": REF,
    "group": REF,
}
DIRECTIONS = ("inbound", "outbound")


# --- links -----------------------------------------------------------------------------------

def _link_text(link):
    return [link.get("name"), link.get("keyId"), link.get("destinationUrl"), link.get("shortenedUrl"),
            link.get("domain", {}).get("name")]


def _links(ctx):
    q = text_param(ctx.req, "q")
    return page(ctx.req, (lk for lk in ctx.db["links"].values()
                          if q is None or any(has(v, q) for v in _link_text(lk))))


def _link(ctx, link_id):
    return lookup(ctx.db["links"], link_id, "LINK-002", "Invalid link id")


def _sources(ctx, link_id):
    _link(ctx, link_id)
    wanted = text_param(ctx.req, "sources")
    names = {s.strip().casefold() for s in wanted.split(",") if s.strip()} if wanted else None
    found = [s for s in ctx.db["linkSources"].get(link_id, [])
             if names is None or s["id"].casefold() in names or s["name"].casefold() in names]
    return item(copy.deepcopy(found))


# --- drip campaigns --------------------------------------------------------------------------

def _drip(ctx, drip_id):
    return lookup(ctx.db["dripCampaigns"], drip_id, "DRIP-002", "Invalid drip campaign id")


def _resolve(ctx, collection, ref, code, what):
    if ref["id"] not in ctx.db[collection]:
        raise not_found(code, f"Invalid {what} id: {ref['id']}")
    return copy.deepcopy(ctx.db[collection][ref["id"]])


def _replace_drip(ctx, drip_id):
    fields = fields_of(json_object_body(ctx.req), DRIP)
    previous = _drip(ctx, drip_id)
    record = {"id": drip_id, "name": fields["name"]}
    if "description" in fields:
        record["description"] = fields["description"]
    if "trigger" in fields:
        record["trigger"] = fields["trigger"]
        if "groups" in fields["trigger"]:
            record["trigger"]["groups"] = [_resolve(ctx, "groups", g, "GRP-002", "group")
                                           for g in fields["trigger"]["groups"]]
    if "list" in fields:
        record["list"] = _resolve(ctx, "lists", fields["list"], "LIST-002", "list")
    if "group" in fields:
        record["group"] = _resolve(ctx, "groups", fields["group"], "GRP-002", "group")
    record.update(created=previous["created"], updated=stamp(ctx.actor))
    ctx.db["dripCampaigns"][drip_id] = record
    return item(record)


def _executions(ctx, drip_id):
    _drip(ctx, drip_id)
    return page(ctx.req, ctx.db["executions"].get(drip_id, []))


# --- available phone numbers, calls, autoresponders ------------------------------------------

def _area_code(number):
    return number[2:5] if number.startswith("+1") else ""


def _numbers(ctx):
    req = ctx.req
    country, kind = text_param(req, "country"), text_param(req, "type")
    postal, area, contains = text_param(req, "postalCode"), text_param(req, "areaCode"), text_param(req, "contains")
    features = text_param(req, "features")
    wanted = [f.strip().casefold() for f in features.split(",") if f.strip()] if features else []
    if contains is not None and not re.fullmatch(r"[0-9]+", contains):
        raise bad_query("contains must be digits")

    def keep(n):
        return ((country is None or n["country"].casefold() == country.casefold())
                and (kind is None or n["type"].casefold() == kind.casefold())
                and (postal is None or n.get("postalCode", "").casefold() == postal.casefold())
                and (area is None or _area_code(n["number"]) == area)
                and (contains is None or contains in n["number"])
                and all(f in n["features"] for f in wanted))
    return page(req, [n for n in ctx.db["availablePhoneNumbers"] if keep(n)])


def _calls(ctx):
    req = ctx.req
    contact, conversation = text_param(req, "contactId"), text_param(req, "conversationId")
    direction, status = text_param(req, "direction"), text_param(req, "status")
    if direction is not None and direction not in DIRECTIONS:
        raise bad_query("direction must be inbound or outbound")
    start, end = date_time_param(req, "from"), date_time_param(req, "to")

    def keep(c):
        started = parse_date_time(c["started"])
        return ((contact is None or c["contact"]["id"] == contact)
                and (conversation is None or c["conversation"]["id"] == conversation)
                and (direction is None or c["direction"] == direction)
                and (status is None or c["status"].casefold() == status.casefold())
                and (start is None or started >= start) and (end is None or started <= end))
    return page(req, [c for c in ctx.db["calls"].values() if keep(c)])


ROUTES = [
    ("/v1/accounts/{acc}/links", {"GET": _links}),
    ("/v1/accounts/{acc}/links/{id}", {"GET": lambda ctx, i: item(_link(ctx, i))}),
    ("/v1/accounts/{acc}/links/{id}/sources", {"GET": _sources}),
    ("/v1/accounts/{acc}/dripcampaigns", {"GET": lambda ctx: page(ctx.req, ctx.db["dripCampaigns"].values())}),
    ("/v1/accounts/{acc}/dripcampaigns/{id}", {"GET": lambda ctx, i: item(_drip(ctx, i)), "PUT": _replace_drip}),
    ("/v1/accounts/{acc}/dripcampaigns/{id}/executions", {"GET": _executions}),
    ("/v1/accounts/{acc}/availablephonenumbers", {"GET": _numbers}),
    ("/v1/accounts/{acc}/calls", {"GET": _calls}),
    ("/v1/accounts/{acc}/calls/{id}",
     {"GET": lambda ctx, i: item(lookup(ctx.db["calls"], i, "CALL-002", "Invalid call id"))}),
    ("/v1/accounts/{acc}/autoresponders", {"GET": lambda ctx: page(ctx.req, ctx.db["autoresponders"].values())}),
]
