"""Signing of the referral webhooks, and the check a partner runs on its side.

This module uses the Python standard library only: a partner may copy it as is. The scheme:

* the platform POSTs a JSON body with the headers ``X-Smart-Timestamp`` (Unix seconds),
  ``X-Smart-Signature`` (hex), ``X-Smart-Event-Id`` and ``X-Smart-Delivery-Id``;
* the signature is ``HMAC-SHA256(secret, f"{timestamp}.{body}")`` in lower-case hex, computed over the
  exact bytes of the body as received (parse the JSON only after checking it);
* the receiver refuses a signature that does not match (compared in constant time) and a timestamp
  older (or further in the future) than a few minutes, so a captured request cannot be replayed later;
* an event may arrive more than once (a retry after a timeout the receiver did not see): the event id
  is the same each time, keep the ids already handled.

Example (any web framework)::

    ok = verify_signature(
        secret=MY_WEBHOOK_SECRET,
        timestamp=request.headers["X-Smart-Timestamp"],
        body=request.body,  # bytes, as received
        signature=request.headers["X-Smart-Signature"],
    )
    if not ok:
        return 400
"""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Smart-Timestamp"
SIGNATURE_HEADER = "X-Smart-Signature"
EVENT_ID_HEADER = "X-Smart-Event-Id"
EVENT_TYPE_HEADER = "X-Smart-Event"
DELIVERY_ID_HEADER = "X-Smart-Delivery-Id"
DEFAULT_TOLERANCE_SECONDS = 300


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def sign(secret: str, timestamp: int | str, body: str | bytes) -> str:
    """The hex HMAC-SHA256 of ``f"{timestamp}.{body}"`` under ``secret``."""
    message = _bytes(str(timestamp)) + b"." + _bytes(body)
    return hmac.new(_bytes(secret), message, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str,
    timestamp: int | str,
    body: str | bytes,
    signature: str,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    *,
    now: float | None = None,
) -> bool:
    """True only if ``signature`` is the signature of ``body`` sent at ``timestamp`` and the timestamp
    is within ``tolerance`` seconds of ``now`` (default: the current time)."""
    try:
        sent_at = int(str(timestamp).strip())
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance:
        return False
    expected = sign(secret, sent_at, body)
    return hmac.compare_digest(expected, (signature or "").strip().lower())
