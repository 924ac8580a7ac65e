"""QBO webhook notifications: signature check, the realms (and entities) they name, repeats.

Intuit signs each POST with ``intuit-signature``: base64 of the HMAC-SHA256 of the raw body keyed
with the app's verifier token. The body comes in two formats, both accepted (docs/design.md#sync):
the legacy ``{"eventNotifications": [{"realmId", "dataChangeEvent": {"entities": [...]}}]}`` and the
CloudEvents array (``[{"type": "qbo.invoice.created.v1", "intuitaccountid": realm, ...}]``) that
Intuit made mandatory in 2026. A notification only says *that* something changed; the sync it
triggers reads the changes through CDC, so late, repeated or out-of-order events are harmless.
Harmless but not free: Intuit redelivers an event it thinks was lost, so ``RecentEvents`` drops a
CloudEvent whose id was already seen within a window (the sync the first copy started covers it).
"""

import base64
import hashlib
import hmac
import json
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sync.mapping import ENTITY_ORDER

SIGNATURE_HEADER = "intuit-signature"
MAX_REALM_ID_LENGTH = 64
"""Longer "realm ids" are no realm of ours (``business.realm_id`` holds 64 characters)."""
MAX_EVENT_ID_LENGTH = 256


class InvalidNotification(ValueError):
    """A signed body that is not a webhook payload we understand."""


@dataclass(frozen=True)
class ChangeEvent:
    """One realm's change, as one notification entry or one CloudEvent reports it."""

    realm_id: str
    entities: frozenset[str]
    """QBO entity names as QBO capitalises them (unknown ones as sent, lower-case)."""
    event_id: str | None = None
    """A CloudEvent's ``source`` and ``id`` (unique together, per the spec); None for legacy."""


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


def parse_notification(body: bytes) -> list[ChangeEvent]:
    """The change events of a webhook body, in either format.

    Raises:
        InvalidNotification: the body isn't JSON (nesting too deep for the parser included), or
            is neither of the two formats.
    """
    try:
        payload: Any = json.loads(body)
    except (ValueError, RecursionError) as error:
        # RecursionError: "[[[[…" thousands deep exhausts the parser's stack before any check.
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise InvalidNotification(f"webhook body is not JSON: {reason}") from None
    if isinstance(payload, dict) and isinstance(payload.get("eventNotifications"), list):
        events = (_legacy(notification) for notification in payload["eventNotifications"])
    elif isinstance(payload, list):
        events = (_cloud_event(event) for event in payload)
    else:
        raise InvalidNotification("webhook body is neither eventNotifications nor CloudEvents")
    return [event for event in events if event is not None]


def changed_realms(body: bytes) -> dict[str, set[str]]:
    """Realm id → entity names that changed, from either format (see ``parse_notification``)."""
    return realms_of(parse_notification(body))


def realms_of(events: Iterable[ChangeEvent]) -> dict[str, set[str]]:
    """Realm id → the entity names its events name."""
    realms: dict[str, set[str]] = defaultdict(set)
    for event in events:
        realms[event.realm_id].update(event.entities)
    return dict(realms)


def _realm(value: Any) -> str | None:
    # QBO realm ids are digit strings (some senders write numbers); anything else, or anything
    # longer than a realm id of ours, names no realm, so no payload grows a key without bound.
    if type(value) is int and 0 <= value < 10**MAX_REALM_ID_LENGTH:
        return str(value)
    if isinstance(value, str) and 0 < len(value) <= MAX_REALM_ID_LENGTH:
        return value
    return None


def _legacy(notification: Any) -> ChangeEvent | None:
    if not isinstance(notification, dict):
        return None
    realm_id = _realm(notification.get("realmId"))
    if realm_id is None:
        return None
    change = notification.get("dataChangeEvent")
    entities = change.get("entities") if isinstance(change, dict) else None
    names = {
        entity["name"]
        for entity in (entities if isinstance(entities, list) else [])
        if isinstance(entity, dict) and isinstance(entity.get("name"), str)
    }
    return ChangeEvent(realm_id, frozenset(names))


def _cloud_event(event: Any) -> ChangeEvent | None:
    if not isinstance(event, dict):
        return None
    realm_id = _realm(event.get("intuitaccountid"))
    if realm_id is None:
        return None
    kind = event.get("type")
    # "qbo.invoice.created.v1": the second part names the entity, lower-case (billpayment…).
    parts = kind.split(".") if isinstance(kind, str) else []
    names = set()
    if len(parts) >= 3 and parts[0] == "qbo":
        names.add(_ENTITY_NAMES.get(parts[1], parts[1]))
    return ChangeEvent(realm_id, frozenset(names), _event_id(event))


def _event_id(event: dict[str, Any]) -> str | None:
    event_id, source = event.get("id"), event.get("source", "")
    if not isinstance(event_id, str) or not event_id or len(event_id) > MAX_EVENT_ID_LENGTH:
        return None
    if not isinstance(source, str) or len(source) > MAX_EVENT_ID_LENGTH:
        return None
    return f"{source}\0{event_id}"


_ENTITY_NAMES = {name.lower(): name for name in ENTITY_ORDER}


class RecentEvents:
    """CloudEvent ids seen within the last ``window_seconds`` (at most ``capacity`` of them).

    Kept in the process: Intuit redelivers to the same endpoint within minutes, and a repeat that
    slips past (another process, an id evicted) only costs one idempotent sync.
    """

    def __init__(
        self,
        *,
        window_seconds: float = 3600.0,
        capacity: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window_seconds = window_seconds
        self.capacity = capacity
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_sightings(self, events: Iterable[ChangeEvent]) -> list[ChangeEvent]:
        """The events not seen before (legacy ones, without an id, always pass); remembers them."""
        now = self._clock()
        while self._seen and next(iter(self._seen.values())) <= now - self.window_seconds:
            self._seen.popitem(last=False)
        fresh = []
        for event in events:
            if event.event_id is not None:
                if event.event_id in self._seen:
                    continue
                self._seen[event.event_id] = now
                if len(self._seen) > self.capacity:
                    self._seen.popitem(last=False)
            fresh.append(event)
        return fresh
