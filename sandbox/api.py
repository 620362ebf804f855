"""The Sakari side: routing, authentication and the OAuth2 token endpoint.

Each resource module exposes ROUTES, a list of (path pattern, {method: handler}). A `{...}` segment
is a percent-decoded path parameter; `{acc}` is the account, checked before the handler runs.
Handlers take (ctx, *other path parameters) and run with State.lock held. They return
(status, payload) or raise ApiError.
"""

import hmac
import time
from types import SimpleNamespace
from urllib.parse import unquote

import accounts
import catalog
import contacts_api
import forms
import messaging
import sharefile
import templates_campaigns
import tokens
import webhooks
from common import json_object_body
from errors import ApiError


def _issue_token(state, req):
    body = json_object_body(req)
    if body.get("grant_type") != "client_credentials":
        raise ApiError(400, "REQ-001", 'grant_type must be "client_credentials"')
    client_id, secret = body.get("client_id"), body.get("client_secret")
    if not isinstance(client_id, str) or not isinstance(secret, str):
        raise ApiError(400, "REQ-001", "client_id and client_secret must be strings")
    # Both comparisons always run, so timing does not tell which one failed.
    if not (_same(client_id, state.client_id) & _same(secret, state.client_secret)):
        raise ApiError(401, "AUTH-002", "Invalid client credentials")
    token, jti, exp = tokens.issue(client_id, state.token_lifetime)
    state.tokens[jti] = exp
    return 200, {"access_token": token, "token_type": "Bearer"}


PUBLIC = {"/oauth2/token": {"POST": _issue_token}}
# Literal segments are listed before parameters where both could match (forms/templates).
ROUTES = [(tuple(pattern.split("/")), handlers)
          for module in (contacts_api, messaging, templates_campaigns, webhooks, accounts, catalog, forms,
                         sharefile)
          for pattern, handlers in module.ROUTES]


def handle(state, req):
    if req.path in PUBLIC:
        handlers, params = PUBLIC[req.path], None
    else:
        handlers, params = _route(req.path)
    _check_method(req, handlers)
    if params is None:
        return handlers[req.method](state, req)
    actor = _authenticate(state, req.headers)
    ctx = SimpleNamespace(state=state, req=req, actor=actor, acc=None, db=None)
    if params and params[0][0] == "acc":
        ctx.acc = params.pop(0)[1]
        ctx.db = state.data.get(ctx.acc)
        if ctx.db is None:
            raise ApiError(404, "ACCT-008", "Account id invalid")
    return handlers[req.method](ctx, *[value for _, value in params])


def _route(path):
    """(handlers by method, [(name, decoded value)]) of the first pattern the path matches."""
    parts = tuple(path.split("/"))
    if all(parts[1:]):  # an empty segment (`//`, a trailing `/`) never matches
        for pattern, handlers in ROUTES:
            if len(pattern) == len(parts) and all(p == s or p.startswith("{") for p, s in zip(pattern, parts)):
                return handlers, [(p[1:-1], unquote(s)) for p, s in zip(pattern, parts) if p.startswith("{")]
    raise ApiError(404, "REQ-404", f"No such endpoint: {path}")


def _check_method(req, handlers):
    if req.method not in handlers:
        raise ApiError(405, "REQ-405", f"Method {req.method} not allowed", {"Allow": ", ".join(handlers)})


# --- auth ------------------------------------------------------------------------------------

def _same(a, b):
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _unauthorized(message):
    return ApiError(401, "AUTH-001", message, {"WWW-Authenticate": "Bearer"})


def _authenticate(state, headers):
    """Check the bearer token; return the actor recorded in created/updated.by."""
    scheme, _, token = (headers.get("Authorization") or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized("Missing bearer token")
    if state.static_token and _same(token, state.static_token):
        return actor_for(state.client_id)
    claims = tokens.verify(token)
    if claims is None or claims.get("jti") not in state.tokens:
        raise _unauthorized("Invalid access token")
    if time.time() >= state.tokens[claims["jti"]]:
        raise _unauthorized("Access token expired")
    return actor_for(claims["sub"])


def actor_for(client_id):
    return {"id": client_id, "name": "API", "source": "api"}
