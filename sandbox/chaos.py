"""Seeded random faults (/_sandbox/chaos): a share of the API's requests fail the way a network and an
overloaded server fail, so a client's bulk work can be tried against all of them at once.

Runs with State.lock held. Each matching request draws from one random.Random(seed): the same seed
gives the same sequence of draws, though which request gets which draw depends on arrival order when
requests run concurrently.
"""

import random

from errors import ApiError

# What a fault does to the request: "answered" kinds answer instead of the API (nothing changes);
# "drop" closes the connection before the API runs; "drop_after" lets the API act (a PUT is applied)
# and then closes the connection without a byte of answer: the client cannot know it was applied.
KINDS = ("429", "500", "502", "503", "drop", "drop_after")
FIELDS = ("seed", "rate", "kinds", "method", "path", "retry_after")


def bad(message):
    return ApiError(400, "REQ-003", message)


def copy_strings(body, out, names, nonempty=False):
    """The string fields `names` of a control body into out: a method upper-cased,
    a path that must start with / (what a fault or the chaos mode is limited to)."""
    for name in names:
        if name in body:
            value = body[name]
            if not isinstance(value, str) or (nonempty and not value):
                raise bad(f"{name} must be a {'non-empty ' if nonempty else ''}string")
            out[name] = value.upper() if name == "method" else value
    if "path" in out and not out["path"].startswith("/"):
        raise bad("path must start with /")


class Chaos:
    def __init__(self, config):
        self.config = config
        self.random = random.Random(config["seed"])
        self.matched = 0
        self.injected = {kind: 0 for kind in config["kinds"]}

    def report(self):
        return {"config": self.config, "matched": self.matched, "injected": dict(self.injected)}

    def draw(self, method, target):
        """The fault for this request (a fault dict as control.py makes them), or None."""
        config = self.config
        if config.get("method", method) != method or not target.startswith(config.get("path", "")):
            return None
        self.matched += 1
        if self.random.random() >= config["rate"]:
            return None
        kind = self.random.choice(config["kinds"])
        self.injected[kind] += 1
        if kind == "drop":
            return {"drop": True}
        if kind == "drop_after":
            return {"drop_after": True}
        fault = {"status": int(kind)}
        if kind in ("429", "503") and "retry_after" in config:
            fault["headers"] = {"Retry-After": config["retry_after"]}
        return fault


def parse(body, only):
    """Validate a chaos config: typos and out-of-range values are rejected, never ignored."""
    only(body, FIELDS, "chaos")
    seed, rate = body.get("seed"), body.get("rate")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise bad("seed must be an integer")
    if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not 0 <= rate <= 1:
        raise bad("rate must be a number from 0 to 1")
    config = {"seed": seed, "rate": rate, "kinds": list(KINDS)}
    if "kinds" in body:
        kinds = body["kinds"]
        if not isinstance(kinds, list) or not kinds or any(k not in KINDS for k in kinds):
            raise bad(f"kinds must be a non-empty array of {', '.join(KINDS)}")
        config["kinds"] = list(dict.fromkeys(kinds))
    copy_strings(body, config, ("method", "path", "retry_after"), nonempty=True)
    if "retry_after" in config and not config["retry_after"].isdigit():
        raise bad("retry_after must be a whole number of seconds, as text")
    return Chaos(config)
