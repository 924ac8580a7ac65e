"""Create and look up API tokens; only a token's SHA-256 hash is ever stored."""

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domains.access.models import ApiToken, ApiTokenBusiness
from domains.core.models import Business

TOKEN_PREFIX = "rwy_"  # noqa: S105  (a prefix that makes leaked tokens greppable, not a secret)
LAST_USED_PRECISION = timedelta(minutes=5)
"""``last_used_at`` is refreshed at most this often, so reads don't each cost a write."""
ROLES = ("viewer", "operator", "admin")


@dataclass(frozen=True)
class Caller:
    """Who is calling: a token's name and role, and the businesses it may see (``None``: all)."""

    token_id: int
    name: str
    role: str
    business_ids: frozenset[int] | None
    ad_hoc: bool = False
    """May send documents that are not registered where only trusted documents run."""

    def has_role(self, required: str) -> bool:
        """Roles are ordered: admin can do what an operator can, who can do what a viewer can."""
        return ROLES.index(self.role) >= ROLES.index(required)


def hash_token(token: str) -> str:
    """The stored form of a token: its SHA-256 hex digest (tokens are random, so no salt needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(
    session: AsyncSession,
    *,
    name: str,
    role: str,
    business_ids: Collection[int],
    all_businesses: bool,
    ad_hoc: bool = False,
) -> str:
    """Store a new token and return it in clear text: the only time it is ever seen.

    ``ad_hoc`` lets it send any document where only registered ones run (production).
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if all_businesses == bool(business_ids):
        raise ValueError("give either some business ids or all_businesses, not both or neither")
    wanted = set(business_ids)
    found = set(
        (await session.scalars(select(col(Business.id)).where(col(Business.id).in_(wanted)))).all()
    )
    if wanted - found:
        raise ValueError(f"no business with id {', '.join(map(str, sorted(wanted - found)))}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        name=name,
        token_hash=hash_token(token),
        role=role,
        all_businesses=all_businesses,
        ad_hoc=ad_hoc,
    )
    session.add(row)
    await session.flush()
    assert row.id is not None
    session.add_all(ApiTokenBusiness(token_id=row.id, business_id=b) for b in wanted)
    await session.flush()
    return token


async def revoke_tokens(
    session: AsyncSession, *, token: str | None = None, name: str | None = None, now: datetime
) -> int:
    """Revoke the token given in clear text, or every live token named ``name``; returns how
    many. Revoked rows stay (who had access, and until when), and no request gets past them."""
    if (token is None) == (name is None):
        raise ValueError("give either a token or a name, not both or neither")
    match = (
        col(ApiToken.token_hash) == hash_token(token)
        if token is not None
        else col(ApiToken.name) == name
    )
    result = await session.execute(
        update(ApiToken).where(match, col(ApiToken.revoked_at).is_(None)).values(revoked_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def get_caller(
    session: AsyncSession, *, token: str, now: datetime | None = None
) -> Caller | None:
    """The caller behind ``token``, or ``None`` if unknown or revoked; notes its last use."""
    row = (
        await session.scalars(
            select(ApiToken).where(
                col(ApiToken.token_hash) == hash_token(token), col(ApiToken.revoked_at).is_(None)
            )
        )
    ).one_or_none()
    if row is None or row.id is None:
        return None
    business_ids: frozenset[int] | None = None
    if not row.all_businesses:
        linked = await session.scalars(
            select(col(ApiTokenBusiness.business_id)).where(
                col(ApiTokenBusiness.token_id) == row.id
            )
        )
        business_ids = frozenset(linked.all())
    now = now or datetime.now(UTC)
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
        await session.execute(
            update(ApiToken).where(col(ApiToken.id) == row.id).values(last_used_at=now)
        )
    return Caller(
        token_id=row.id,
        name=row.name,
        role=row.role,
        business_ids=business_ids,
        ad_hoc=row.ad_hoc,
    )


@dataclass(frozen=True)
class TokenSummary:
    """A token as an operator lists it: everything but its secret (which is never stored)."""

    id: int
    name: str
    role: str
    business_ids: tuple[int, ...] | None
    """The businesses it may see, ``None`` for every business."""
    ad_hoc: bool
    """It may send any document where only registered ones run."""
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


async def list_tokens(session: AsyncSession, *, include_revoked: bool) -> list[TokenSummary]:
    """Tokens by id with the businesses each may see (two statements, whatever their number)."""
    statement = select(ApiToken).order_by(col(ApiToken.id))
    if not include_revoked:
        statement = statement.where(col(ApiToken.revoked_at).is_(None))
    rows = (await session.scalars(statement)).all()
    links: dict[int, list[int]] = {}
    linked = await session.execute(
        select(col(ApiTokenBusiness.token_id), col(ApiTokenBusiness.business_id))
        .where(col(ApiTokenBusiness.token_id).in_([row.id for row in rows]))
        .order_by(col(ApiTokenBusiness.business_id))
    )
    for token_id, business_id in linked.all():
        links.setdefault(token_id, []).append(business_id)
    return [
        TokenSummary(
            id=row.id,
            name=row.name,
            role=row.role,
            business_ids=None if row.all_businesses else tuple(links.get(row.id, ())),
            ad_hoc=row.ad_hoc,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )
        for row in rows
        if row.id is not None
    ]


async def unlink_business(session: AsyncSession, *, business_id: int) -> list[str]:
    """Take ``business_id`` from every token scoped to it; the names of the live tokens that
    lost it (tokens of every business are unaffected: they follow whatever exists)."""
    names = await session.scalars(
        select(col(ApiToken.name))
        .join(ApiTokenBusiness, col(ApiTokenBusiness.token_id) == col(ApiToken.id))
        .where(col(ApiTokenBusiness.business_id) == business_id, col(ApiToken.revoked_at).is_(None))
        .order_by(col(ApiToken.id))
    )
    unlinked = list(names.all())
    await session.execute(
        delete(ApiTokenBusiness).where(col(ApiTokenBusiness.business_id) == business_id)
    )
    return unlinked
