"""API tokens: created with a role and a scope, stored as a hash, looked up, revoked."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import col

from domains.access import queries
from domains.access.models import ApiToken, ApiTokenBusiness
from domains.access.queries import hash_token
from tests.conftest import Database
from tests.factories import make_business, make_token

NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)


async def create(database: Database, **kwargs: object) -> str:
    values: dict[str, object] = {"name": "dana", "role": "viewer", "business_ids": ()}
    values.update(kwargs)
    values.setdefault("all_businesses", not values["business_ids"])
    async with database.sessions.begin() as session:
        return await queries.create_token(session, **values)  # type: ignore[arg-type]


async def caller(database: Database, token: str, now: datetime = NOW) -> queries.Caller | None:
    async with database.sessions.begin() as session:
        return await queries.get_caller(session, token=token, now=now)


async def test_a_token_is_shown_once_and_stored_as_its_hash(database: Database) -> None:
    business = await make_business(database.sessions)
    assert business.id is not None

    token = await create(database, role="operator", business_ids=[business.id])

    assert token.startswith(queries.TOKEN_PREFIX) and len(token) > 40
    async with database.sessions() as session:
        stored = (await session.scalars(select(ApiToken))).one()
        links = (await session.scalars(select(ApiTokenBusiness))).all()
    assert stored.token_hash == queries.hash_token(token) != token
    assert (stored.name, stored.role, stored.all_businesses) == ("dana", "operator", False)
    assert [(link.token_id, link.business_id) for link in links] == [(stored.id, business.id)]
    assert await create(database) != token  # random, never reused


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "owner"}, "role must be one of viewer, operator, admin, got 'owner'"),
        ({"business_ids": (), "all_businesses": False}, "either some business ids"),
        ({"business_ids": (1,), "all_businesses": True}, "either some business ids"),
        ({"business_ids": (999_998, 999_999)}, "no business with id 999998, 999999"),
    ],
)
async def test_bad_token_requests_are_refused_and_store_nothing(
    database: Database, kwargs: dict[str, object], message: str
) -> None:
    if kwargs.get("business_ids") == (1,):
        await make_business(database.sessions)  # so only the both-given rule can refuse it

    with pytest.raises(ValueError, match=message):
        await create(database, **kwargs)

    async with database.sessions() as session:
        assert (await session.scalars(select(ApiToken))).all() == []


async def test_the_caller_behind_a_token_has_its_role_and_scope(database: Database) -> None:
    first, second = await make_business(database.sessions), await make_business(database.sessions)
    assert first.id is not None and second.id is not None
    scoped = await create(database, role="operator", business_ids=[first.id, second.id])
    everything = await create(database, name="scheduler", role="admin")

    mine = await caller(database, scoped)
    admin = await caller(database, everything)

    assert mine is not None and admin is not None
    assert (mine.name, mine.role, mine.business_ids) == (
        "dana",
        "operator",
        frozenset({first.id, second.id}),
    )
    assert (admin.name, admin.role, admin.business_ids) == ("scheduler", "admin", None)
    assert (mine.has_role("viewer"), mine.has_role("operator"), mine.has_role("admin")) == (
        True,
        True,
        False,
    )
    assert await caller(database, queries.TOKEN_PREFIX + "unknown") is None


async def test_last_use_is_noted_at_most_every_few_minutes(database: Database) -> None:
    token = await create(database)

    async def last_used() -> datetime | None:
        async with database.sessions() as session:
            return (await session.scalars(select(col(ApiToken.last_used_at)))).one()

    assert await last_used() is None
    await caller(database, token, NOW)
    assert await last_used() == NOW
    await caller(database, token, NOW + queries.LAST_USED_PRECISION)  # not past the precision
    assert await last_used() == NOW
    later = NOW + queries.LAST_USED_PRECISION + timedelta(seconds=1)
    await caller(database, token, later)
    assert await last_used() == later


async def test_revoking_by_token_or_by_name_refuses_those_tokens(database: Database) -> None:
    leaked = await create(database, name="laptop")
    kept = await create(database, name="laptop")
    scheduler = await create(database, name="scheduler")
    other = await create(database, name="scheduler")

    async with database.sessions.begin() as session:
        one = await queries.revoke_tokens(session, token=leaked, now=NOW)
    async with database.sessions.begin() as session:
        again = await queries.revoke_tokens(session, token=leaked, now=NOW)
    async with database.sessions.begin() as session:
        named = await queries.revoke_tokens(session, name="scheduler", now=NOW)

    assert (one, again, named) == (1, 0, 2)
    assert [await caller(database, t) is None for t in (leaked, kept, scheduler, other)] == [
        True,
        False,
        True,
        True,
    ]
    async with database.sessions() as session:
        revoked = (await session.scalars(select(col(ApiToken.revoked_at)))).all()
    assert sorted(revoked, key=lambda at: at is None) == [NOW, NOW, NOW, None]  # rows are kept
    async with database.sessions.begin() as session:
        with pytest.raises(ValueError, match="either a token or a name"):
            await queries.revoke_tokens(session, token=kept, name="laptop", now=NOW)
        with pytest.raises(ValueError, match="either a token or a name"):
            await queries.revoke_tokens(session, now=NOW)


async def test_tokens_are_stored_only_as_hashes(database: Database) -> None:
    token = await make_token(database.sessions, role="operator")
    async with database.sessions() as session:
        stored = (await session.scalars(select(ApiToken))).one()
    assert stored.token_hash == hash_token(token)
    assert token not in repr(stored.model_dump())


async def test_tokens_are_listed_with_their_reach_without_revoked_ones_unless_asked(
    database: Database,
) -> None:
    first = await make_business(database.sessions)
    second = await make_business(database.sessions)
    assert first.id is not None and second.id is not None
    await create(database, name="dana", business_ids=[second.id, first.id])
    await create(database, name="ops", role="admin")
    leaked = await create(database, name="leaked", role="admin")
    async with database.sessions.begin() as session:
        await queries.revoke_tokens(session, token=leaked, now=NOW)

    async with database.sessions() as session:
        live = await queries.list_tokens(session, include_revoked=False)
        every = await queries.list_tokens(session, include_revoked=True)

    assert [(t.name, t.role, t.business_ids) for t in live] == [
        ("dana", "viewer", (first.id, second.id)),
        ("ops", "admin", None),
    ]
    assert [(t.name, t.revoked_at) for t in every][-1] == ("leaked", NOW)


async def test_unlinking_a_business_takes_it_from_scoped_tokens_only(database: Database) -> None:
    first = await make_business(database.sessions)
    second = await make_business(database.sessions)
    assert first.id is not None and second.id is not None
    both = await create(database, name="both", business_ids=[first.id, second.id])
    only = await create(database, name="only", business_ids=[first.id])
    everything = await create(database, name="all", role="admin")

    async with database.sessions.begin() as session:
        unlinked = await queries.unlink_business(session, business_id=first.id)

    assert unlinked == ["both", "only"]
    assert (await caller(database, both)).business_ids == {second.id}  # type: ignore[union-attr]
    assert (await caller(database, only)).business_ids == frozenset()  # type: ignore[union-attr]
    assert (await caller(database, everything)).business_ids is None  # type: ignore[union-attr]
