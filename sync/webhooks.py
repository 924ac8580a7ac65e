"""QBO webhook notifications: signature check and the realms (and entities) they name.

Intuit signs each POST with ``intuit-signature``: base64 of the HMAC-SHA256 of the raw body keyed
with the app's verifier token. The body comes in two formats, both accepted (DESIGN.md §4): the
legacy ``{"eventNotifications": [{"realmId", "dataChangeEvent": {"entities": [...]}}]}`` and the
CloudEvents array (``[{"type": "qbo.invoice.created.v1", "intuitaccountid": realm, ...}]``) that
Intuit made mandatory in 2026. A notification only says *that* something changed; the sync it
triggers reads the changes through CDC, so late, repeated or out-of-order events are harmless.
"""

import base64
import hashlib
import hmac
import json
from collections import defaultdict
from typing import Any

from sync.mapping import ENTITY_ORDER

SIGNATURE_HEADER = "intuit-signature"


class InvalidNotification(ValueError):
    """A signed body that is not a webhook payload we understand."""


def verify_signature(body: bytes, signature: str | None, verifier_token: str) -> bool:
    """Whether ``signature`` is Intuit's signature of ``body`` (constant-time comparison).

    No verifier token configured means no notification can be trusted: always False.
    """
    if not signature or not verifier_token:
        return False
    expected = base64.b64encode(
        hmac.new(verifier_token.encode(), body, hashlib.sha256).digest()
    ).decode()
    return hmac.compare_digest(expected.encode(), signature.strip().encode())


def changed_realms(body: bytes) -> dict[str, set[str]]:
    """Realm id → entity names (as QBO capitalises them) that changed, from either format.

    Raises:
        InvalidNotification: the body isn't JSON, or is neither of the two formats.
    """
    try:
        payload: Any = json.loads(body)
    except ValueError as error:
        raise InvalidNotification(f"webhook body is not JSON: {error}") from None
    realms: dict[str, set[str]] = defaultdict(set)
    if isinstance(payload, dict) and isinstance(payload.get("eventNotifications"), list):
        for notification in payload["eventNotifications"]:
            _legacy(notification, realms)
    elif isinstance(payload, list):
        for event in payload:
            _cloud_event(event, realms)
    else:
        raise InvalidNotification("webhook body is neither eventNotifications nor CloudEvents")
    return dict(realms)


def _legacy(notification: Any, realms: dict[str, set[str]]) -> None:
    if not isinstance(notification, dict) or not notification.get("realmId"):
        return
    entities = realms[str(notification["realmId"])]
    change = notification.get("dataChangeEvent")
    for entity in change.get("entities", []) if isinstance(change, dict) else []:
        if isinstance(entity, dict) and isinstance(entity.get("name"), str):
            entities.add(entity["name"])


def _cloud_event(event: Any, realms: dict[str, set[str]]) -> None:
    if not isinstance(event, dict) or not event.get("intuitaccountid"):
        return
    entities = realms[str(event["intuitaccountid"])]
    kind = event.get("type")
    # "qbo.invoice.created.v1": the second part names the entity, lower-case (billpayment…).
    parts = kind.split(".") if isinstance(kind, str) else []
    if len(parts) >= 3 and parts[0] == "qbo":
        entities.add(_ENTITY_NAMES.get(parts[1], parts[1]))


_ENTITY_NAMES = {name.lower(): name for name in ENTITY_ORDER}
