"""Webhook signatures and both payload formats (legacy eventNotifications and CloudEvents)."""

import base64
import hashlib
import hmac
import json

import pytest

from sync.webhooks import (
    ChangeEvent,
    InvalidNotification,
    RecentEvents,
    changed_realms,
    parse_notification,
    verify_signature,
)

VERIFIER = "verifier-token"


def sign(body: bytes, key: str = VERIFIER) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


LEGACY = {
    "eventNotifications": [
        {
            "realmId": "1185883450",
            "dataChangeEvent": {
                "entities": [
                    {"name": "Customer", "id": "1", "operation": "Create"},
                    {"name": "Vendor", "id": "1", "operation": "Update"},
                ]
            },
        },
        {
            "realmId": "1185883451",
            "dataChangeEvent": {"entities": [{"name": "Bill", "id": "9", "operation": "Delete"}]},
        },
    ]
}
CLOUD_EVENTS = [
    {
        "specversion": "1.0",
        "id": "88cd52a6-1b0b-4c4c-9f42-d4a1d5e0b5b1",
        "source": "intuit.dsnBgbseACLLRZNxo2dfc4evmEJdxde58xeeYcZliOU=",
        "type": "qbo.invoice.created.v1",
        "datacontenttype": "application/json",
        "time": "2026-11-20T17:52:28.000Z",
        "intuitentityid": "1234",
        "intuitaccountid": "310687",
        "data": {},
    },
    {
        "specversion": "1.0",
        "id": "a1b2",
        "type": "qbo.billpayment.deleted.v1",
        "intuitentityid": "77",
        "intuitaccountid": "310687",
    },
    {"specversion": "1.0", "id": "c3", "type": "qbo.vendor.updated.v1", "intuitaccountid": "42"},
]


def test_a_signature_of_the_raw_body_verifies() -> None:
    body = json.dumps(LEGACY).encode()
    assert verify_signature(body, sign(body), VERIFIER)


@pytest.mark.parametrize(
    "signature",
    [None, "", "not base64 at all", sign(b"another body"), sign(b"{}", key="wrong-verifier")],
)
def test_a_missing_or_wrong_signature_does_not(signature: str | None) -> None:
    assert not verify_signature(b"{}", signature, VERIFIER)


def test_without_a_configured_verifier_nothing_verifies() -> None:
    assert not verify_signature(b"{}", sign(b"{}", key=""), "")


def test_a_re_serialised_body_no_longer_matches() -> None:
    body = json.dumps(LEGACY).encode()
    reformatted = json.dumps(LEGACY, indent=2).encode()
    assert not verify_signature(reformatted, sign(body), VERIFIER)


def test_legacy_notifications_name_realms_and_entities() -> None:
    assert changed_realms(json.dumps(LEGACY).encode()) == {
        "1185883450": {"Customer", "Vendor"},
        "1185883451": {"Bill"},
    }


def test_cloud_events_name_realms_and_entities() -> None:
    assert changed_realms(json.dumps(CLOUD_EVENTS).encode()) == {
        "310687": {"Invoice", "BillPayment"},
        "42": {"Vendor"},
    }


def test_events_we_dont_mirror_still_name_their_realm() -> None:
    body = [{"type": "qbo.estimate.created.v1", "intuitaccountid": "7"}, {"type": "qbo.x"}]
    assert changed_realms(json.dumps(body).encode()) == {"7": {"estimate"}}


@pytest.mark.parametrize("body", [b"not json", b'{"hello": "world"}', b"42"])
def test_anything_else_is_invalid(body: bytes) -> None:
    with pytest.raises(InvalidNotification):
        changed_realms(body)


def test_deeply_nested_json_is_invalid_not_a_crash() -> None:
    with pytest.raises(InvalidNotification, match="nested too deeply"):
        changed_realms(b"[" * 100_000 + b"]" * 100_000)


@pytest.mark.parametrize("realm", [None, "", True, 1.5, [], {"a": 1}, "9" * 65, 10**70, -1, ["7"]])
def test_a_realm_id_that_is_no_realm_names_none(realm: object) -> None:
    body = [{"id": "e", "type": "qbo.bill.updated.v1", "intuitaccountid": realm}]
    legacy = {"eventNotifications": [{"realmId": realm}]}
    assert changed_realms(json.dumps(body).encode()) == {}
    assert changed_realms(json.dumps(legacy).encode()) == {}


def test_a_numeric_realm_id_is_read_as_its_digits() -> None:
    legacy = {"eventNotifications": [{"realmId": 1185883450, "dataChangeEvent": {}}]}
    assert changed_realms(json.dumps(legacy).encode()) == {"1185883450": set()}


def test_cloud_events_carry_their_source_and_id_and_legacy_entries_none() -> None:
    events = parse_notification(json.dumps(CLOUD_EVENTS).encode())
    assert [event.event_id for event in events] == [
        "intuit.dsnBgbseACLLRZNxo2dfc4evmEJdxde58xeeYcZliOU=\0" + CLOUD_EVENTS[0]["id"],
        "\0a1b2",
        "\0c3",
    ]
    assert {e.event_id for e in parse_notification(json.dumps(LEGACY).encode())} == {None}
    odd = [{"id": 7, "intuitaccountid": "1"}, {"id": "x" * 300, "intuitaccountid": "1"}]
    assert {e.event_id for e in parse_notification(json.dumps(odd).encode())} == {None}


class Ticker:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_recent_events_drop_an_id_seen_within_the_window_only() -> None:
    clock = Ticker()
    recent = RecentEvents(window_seconds=60, clock=clock)
    first = ChangeEvent("1", frozenset({"Bill"}), "src\0a")
    other = ChangeEvent("1", frozenset({"Bill"}), "src\0b")
    legacy = ChangeEvent("1", frozenset({"Bill"}))

    assert recent.first_sightings([first, first, legacy]) == [first, legacy]
    clock.now = 59
    assert recent.first_sightings([first, other, legacy]) == [other, legacy]
    clock.now = 60.5  # "a" was seen 60.5 s ago: out of the window, a new delivery
    assert recent.first_sightings([first, other]) == [first]


def test_recent_events_forget_the_oldest_beyond_their_capacity() -> None:
    recent = RecentEvents(capacity=2, clock=Ticker())
    a, b, c = (ChangeEvent("1", frozenset(), f"\0{name}") for name in "abc")
    assert recent.first_sightings([a, b, c]) == [a, b, c]
    assert recent.first_sightings([a]) == [a]  # forgotten: costs one idempotent sync
    assert recent.first_sightings([c]) == []
