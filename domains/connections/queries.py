"""Reads and writes of connection state (typed, keyword-only)."""

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domains.connections.models import UsedOAuthState


def _insert_for(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(UsedOAuthState)
    if dialect == "sqlite":
        return sqlite.insert(UsedOAuthState)
    raise NotImplementedError(f"claiming a state is not implemented for {dialect}")


async def claim_oauth_state(
    session: AsyncSession,
    *,
    nonce: str,
    issued_at: datetime,
    now: datetime,
    forget_issued_before: datetime,
) -> bool:
    """Mark the state's nonce used; False if it already was (a replay).

    One ``INSERT … ON CONFLICT DO NOTHING`` decides, so two processes racing with one state
    can't both win. States issued before ``forget_issued_before`` can no longer verify, so their
    rows are deleted first. The caller commits.
    """
    await session.execute(
        delete(UsedOAuthState).where(col(UsedOAuthState.issued_at) < forget_issued_before)
    )
    statement = (
        _insert_for(session)
        .values(nonce=nonce, issued_at=issued_at, used_at=now)
        .on_conflict_do_nothing(index_elements=[col(UsedOAuthState.nonce)])
        .returning(col(UsedOAuthState.nonce))
    )
    return (await session.execute(statement)).first() is not None
