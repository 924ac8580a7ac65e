"""Webhook signatures and both payload formats (legacy eventNotifications and CloudEvents)."""

import base64
import hashlib
import hmac
import json

import pytest

from sync.webhooks import InvalidNotification, changed_realms, verify_signature

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
