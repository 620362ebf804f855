"""Webhook subscriptions: list, subscribe (one subscription per callback URL), unsubscribe."""

from common import Raw, item, json_object_body, new_id, not_found, page
from schema import array, fields_of, one_of, req, url

# The union of the event types of the OpenAPI 1.0.1 file and of the current docs page
# (https://developer.sakari.io/api-reference/webhooks/subscribe-to-message-events).
EVENT_TYPES = ("message-received", "message-sent", "message-status", "contact-created", "contact-updated",
               "contact-removed", "conversation-closed", "conversation-started", "contact-opt-out",
               "contact-opt-in", "list-opt-out", "list-opt-in")
SUBSCRIBE = {"url": req(url), "eventTypes": req(array(one_of(*EVENT_TYPES), nonempty=True))}


def _list(ctx):
    return page(ctx.req, ctx.db["webhooks"].values())


def _subscribe(ctx):
    body = fields_of(json_object_body(ctx.req), SUBSCRIBE)
    event_types = list(dict.fromkeys(body["eventTypes"]))  # a repeated event type counts once
    hooks = ctx.db["webhooks"]
    existing = next((h for h in hooks.values() if h["destination"] == body["url"]), None)
    hook = {"id": existing["id"] if existing else new_id(), "type": "webhook", "eventTypes": event_types,
            "destination": body["url"]}
    hooks[hook["id"]] = hook  # subscribing a URL again replaces its event types
    return item(hook)


def _unsubscribe(ctx, target):
    """The path segment is the percent-encoded callback URL, or a webhook id."""
    hooks = ctx.db["webhooks"]
    hook = next((h for h in hooks.values() if h["destination"] == target), None) or hooks.get(target)
    if hook is None:
        raise not_found("WHK-002", "Invalid webhook: no subscription for that URL or id")
    del hooks[hook["id"]]
    return 204, Raw(b"", None)


ROUTES = [
    ("/v1/accounts/{acc}/webhooks", {"GET": _list, "POST": _subscribe}),
    ("/v1/accounts/{acc}/webhooks/{url}", {"DELETE": _unsubscribe}),
]
