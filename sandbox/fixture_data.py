"""Per-account collections, built from fixtures/resources.json at start and on every reset.

The first account (sandbox-account by default) holds the fixture data. Every other account gets
its own Account record and balance, and empty collections.
"""

import copy
import json
import os

FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "resources.json")
# Fixture records that carry created/updated stamps (the fixture's own, fixed).
STAMPED = ("attributes", "links", "dripCampaigns", "forms", "formTemplates", "calls", "autoresponders")
KEYED = STAMPED + ("groups", "lists")
# Collections the API fills; they start empty.
MUTABLE = ("messages", "conversations", "templates", "campaigns", "webhooks")


def load():
    with open(FILE, encoding="utf-8") as f:
        return json.load(f)


def account_data(fixtures, account_id, filled, client_id, client_secret):
    """The collections of one account: {name: {id: record}} plus `account` and `balance`."""
    fx = copy.deepcopy(fixtures)
    account = {"id": account_id, "apiCredentials": {"id": client_id, "secret": client_secret}}
    account.update(fx["account"])
    if not filled:
        account["name"] = account_id
    db = {"account": account, "balance": fx["balance"]}
    for name in MUTABLE:
        db[name] = {}
    for name in KEYED:
        db[name] = {}
        for record in (fx[name] if filled else []):
            if name in STAMPED:
                record.setdefault("created", copy.deepcopy(fx["fixtureStamp"]))
                record.setdefault("updated", copy.deepcopy(fx["fixtureStamp"]))
            db[name][record["id"]] = record
    for drip in db["dripCampaigns"].values():
        # The file names lists and groups by id; the API embeds the whole objects.
        drip["trigger"]["groups"] = [copy.deepcopy(db["groups"][g]) for g in drip["trigger"]["groups"]]
        drip["list"] = copy.deepcopy(db["lists"][drip["list"]])
        drip["group"] = copy.deepcopy(db["groups"][drip["group"]])
    db["availablePhoneNumbers"] = fx["availablePhoneNumbers"] if filled else []
    for name in ("linkSources", "executions", "formConversions"):
        db[name] = fx[name] if filled else {}
    return db
