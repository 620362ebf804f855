"""All mutable sandbox state. One lock guards it: callers hold State.lock around every use."""

import collections
import copy
import json
import os
import threading
import time

import fixture_data

SEED_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "seed-contact.json")
# Long benchmark runs must not grow memory without bound; tests look at far fewer requests.
MAX_LOGGED_REQUESTS = 10000


class State:
    def __init__(self, accounts, client_id, client_secret, static_token, token_lifetime):
        self.lock = threading.Lock()
        self.accounts = list(dict.fromkeys(accounts))  # a repeated --account counts once
        self.client_id = client_id
        self.client_secret = client_secret
        self.static_token = static_token
        self.default_token_lifetime = token_lifetime
        with open(SEED_FILE, encoding="utf-8") as f:
            self._seed = json.load(f)
        self._fixtures = fixture_data.load()
        self.reset()

    def reset(self):
        # The seed goes to the first account: `sandbox-account` unless --account says otherwise.
        self.contacts = {account: {} for account in self.accounts}
        self.contacts[self.accounts[0]][self._seed["id"]] = copy.deepcopy(self._seed)
        # Every other resource of an account, by collection name; data[acc]["contacts"] is contacts[acc].
        self.data = {}
        for account in self.accounts:
            self.data[account] = fixture_data.account_data(self._fixtures, account, account == self.accounts[0],
                                                       self.client_id, self.client_secret)
            self.data[account]["contacts"] = self.contacts[account]
        self.files = {}  # id -> (content type, bytes) of every file shared through /v1/tools/sharefile
        self.tokens = {}  # jti -> exp of every token issued since the last reset
        self.faults = []
        self.chaos = None  # chaos.Chaos while a seeded random fault mode is on
        self.requests = collections.deque(maxlen=MAX_LOGGED_REQUESTS)
        self.token_lifetime = self.default_token_lifetime

    def log(self, req):
        headers = {}
        for name, value in req.headers.items():
            name = name.lower()
            headers[name] = headers[name] + ", " + value if name in headers else value
        self.requests.append({
            "method": req.method,
            "path": req.target,
            "query": req.query,
            "headers": headers,
            "body": req.body.decode("utf-8", "replace"),
            # arrival on a monotonic clock, so tests can see how requests were spaced
            "at": time.monotonic(),
        })

    def take_fault(self, method, target):
        """Pop one use of the oldest queued fault that matches this request, else draw a random one (chaos)."""
        for fault in self.faults:
            if fault.get("method", method) == method and target.startswith(fault.get("path", "")):
                fault["times"] -= 1
                if fault["times"] == 0:
                    self.faults.remove(fault)
                return fault
        return self.chaos.draw(method, target) if self.chaos else None
