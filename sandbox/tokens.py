"""HS256 JWT access tokens, signed with a key that lives only as long as the process."""

import base64
import hashlib
import hmac
import json
import secrets
import time

_KEY = secrets.token_bytes(32)
_HEADER = {"alg": "HS256", "typ": "JWT"}


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(signing_input):
    return _b64(hmac.new(_KEY, signing_input.encode("ascii"), hashlib.sha256).digest())


def issue(client_id, lifetime):
    """Return (token, jti, exp)."""
    iat = int(time.time())
    claims = {"sub": client_id, "iat": iat, "exp": iat + lifetime, "jti": secrets.token_hex(16)}
    signing_input = _b64(json.dumps(_HEADER, separators=(",", ":")).encode()) + "." + \
        _b64(json.dumps(claims, separators=(",", ":")).encode())
    return signing_input + "." + _sign(signing_input), claims["jti"], claims["exp"]


def verify(token):
    """Return the claims of a token this process signed, else None (expiry is the caller's job)."""
    parts = token.split(".")
    if len(parts) != 3 or not token.isascii():
        return None
    if not hmac.compare_digest(_sign(parts[0] + "." + parts[1]), parts[2]):
        return None
    try:
        claims = json.loads(_unb64(parts[1]))
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None
