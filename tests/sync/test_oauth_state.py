"""The signed OAuth state: signed, expiring, refused early when crafted, and spent only once."""

import asyncio
import hashlib
import hmac
from base64 import urlsafe_b64encode
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from domains.connections.models import UsedOAuthState
from sync.oauth_state import (
    STATE_MAX_AGE,
    InvalidState,
    read_state,
    sign_state,
    spend_state,
    verify_state,
)
from tests.conftest import Database
from tests.sync.harness import SECRET_KEY

ISSUED = datetime(2026, 11, 20, 12, tzinfo=UTC)


def signed_payload(payload: str, secret_key: str = SECRET_KEY) -> str:
    """A state whose payload is ``payload``, signed as ours are: what a leaked key could forge."""
    key = hashlib.sha256(b"runway oauth state\0" + secret_key.encode()).digest()
    mac = urlsafe_b64encode(hmac.new(key, payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{mac.decode().rstrip('=')}"


def test_state_is_signed_and_expires() -> None:
    state = sign_state(SECRET_KEY, now=ISSUED)
    assert verify_state(SECRET_KEY, state, now=ISSUED + timedelta(minutes=5))
    assert not verify_state(SECRET_KEY, state, now=ISSUED + timedelta(minutes=16))
    assert not verify_state("another-secret", state, now=ISSUED)
    nonce, stamp, mac = state.split(".")
    assert not verify_state(SECRET_KEY, f"{nonce}.{int(stamp) + 1}.{mac}", now=ISSUED)
    assert not verify_state(SECRET_KEY, "garbage", now=ISSUED)
    assert sign_state(SECRET_KEY, now=ISSUED) != state  # a fresh nonce each time
    assert read_state(SECRET_KEY, state, now=ISSUED).issued_at == ISSUED


@pytest.mark.parametrize(
    "state",
    [
        "ñonce.1.mac",  # hmac.compare_digest raised TypeError on non-ASCII text: a 500
        "nonce.1." + "é" * 43,
        "nonce.1.\ud800",
        "x" * 10_000 + ".1.mac",
        "",
        "...",
    ],
)
def test_crafted_states_are_refused_not_raised(state: str) -> None:
    assert not verify_state(SECRET_KEY, state, now=ISSUED)
    with pytest.raises(InvalidState, match="invalid or expired"):
        read_state(SECRET_KEY, state, now=ISSUED)


@pytest.mark.parametrize(
    "issued",
    ["9" * 30, "-" + "9" * 30, "99999999999999", "1e9", "", " 1"],
)
def test_a_signed_timestamp_that_fits_no_date_is_refused(issued: str) -> None:
    state = signed_payload(f"nonce.{issued}")
    assert not verify_state(SECRET_KEY, state, now=ISSUED)


def test_a_signed_state_without_a_nonce_is_refused() -> None:
    assert not verify_state(SECRET_KEY, signed_payload(f".{int(ISSUED.timestamp())}"), now=ISSUED)


async def used_states(database: Database) -> int:
    async with database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(UsedOAuthState)) or 0)


async def test_a_state_is_spent_once(database: Database) -> None:
    state = sign_state(SECRET_KEY, now=ISSUED)

    spent = await spend_state(database.sessions, SECRET_KEY, state, now=ISSUED)
    with pytest.raises(InvalidState, match="already used"):
        await spend_state(database.sessions, SECRET_KEY, state, now=ISSUED + timedelta(seconds=1))

    assert spent.nonce == state.split(".")[0]
    assert await used_states(database) == 1


async def test_of_two_concurrent_spends_of_one_state_exactly_one_wins(database: Database) -> None:
    state = sign_state(SECRET_KEY, now=ISSUED)

    outcomes = await asyncio.gather(
        *(spend_state(database.sessions, SECRET_KEY, state, now=ISSUED) for _ in range(4)),
        return_exceptions=True,
    )

    assert sum(not isinstance(outcome, BaseException) for outcome in outcomes) == 1
    assert all(
        isinstance(outcome, InvalidState)
        for outcome in outcomes
        if isinstance(outcome, BaseException)
    )


async def test_a_forged_state_records_nothing(database: Database) -> None:
    with pytest.raises(InvalidState):
        await spend_state(database.sessions, SECRET_KEY, sign_state("another-secret"), now=ISSUED)
    assert await used_states(database) == 0


async def test_spent_states_are_forgotten_once_they_could_no_longer_verify(
    database: Database,
) -> None:
    old = sign_state(SECRET_KEY, now=ISSUED)
    await spend_state(database.sessions, SECRET_KEY, old, now=ISSUED)
    later = ISSUED + STATE_MAX_AGE + timedelta(minutes=2)

    await spend_state(database.sessions, SECRET_KEY, sign_state(SECRET_KEY, now=later), now=later)

    assert await used_states(database) == 1


def test_the_state_key_is_the_secret_under_its_own_label() -> None:
    """A state MACed with the secret itself, or with the QBO token cipher's key (same secret,
    another label), is refused: neither key can stand in for the other."""
    payload = f"nonce.{int(ISSUED.timestamp())}"
    assert verify_state(SECRET_KEY, signed_payload(payload), now=ISSUED)
    for key in (
        SECRET_KEY.encode(),
        hashlib.sha256(b"runway qbo tokens\0" + SECRET_KEY.encode()).digest(),
    ):
        mac = urlsafe_b64encode(hmac.new(key, payload.encode(), hashlib.sha256).digest())
        assert not verify_state(SECRET_KEY, f"{payload}.{mac.decode().rstrip('=')}", now=ISSUED)
