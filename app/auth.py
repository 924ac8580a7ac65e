"""Who is calling: the bearer token of a request, resolved to a ``Caller`` (or why not)."""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import HTTPConnection

from domains.access import queries as access_queries
from domains.access.queries import Caller


@dataclass(frozen=True)
class Authentication:
    """The caller, or the reason there is none (shown to the client as UNAUTHENTICATED)."""

    caller: Caller | None
    problem: str | None


async def authenticate(
    connection: HTTPConnection, sessions: async_sessionmaker[AsyncSession]
) -> Authentication:
    """Read ``Authorization: Bearer <token>``; a missing or unknown token is not an exception here:
    public fields (none yet) may still answer, and protected ones say why they refuse."""
    header = connection.headers.get("authorization")
    if not header:
        return Authentication(None, "Send an API token: 'Authorization: Bearer <token>'.")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return Authentication(None, "The Authorization header must be 'Bearer <token>'.")
    async with sessions.begin() as session:
        caller = await access_queries.get_caller(session, token=token.strip())
    if caller is None:
        return Authentication(None, "This API token is unknown or revoked.")
    return Authentication(caller, None)
