"""Tables for API tokens and the businesses each token may see."""

from datetime import UTC, datetime

from sqlalchemy import false
from sqlmodel import Field, SQLModel

from domains.sqltypes import UtcDateTime


class ApiToken(SQLModel, table=True):
    """A bearer token, stored only as its SHA-256 hash; the clear token is shown once."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=255)
    token_hash: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=16)  # viewer, operator, admin
    all_businesses: bool = Field(default=False)
    ad_hoc: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    """May send any document, not only registered ones, where trusted documents are enforced."""
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC), sa_type=UtcDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class ApiTokenBusiness(SQLModel, table=True):
    """One business a scoped token may see (tokens with ``all_businesses`` need none)."""

    __tablename__ = "api_token_business"

    token_id: int = Field(foreign_key="api_token.id", primary_key=True, ondelete="CASCADE")
    business_id: int = Field(
        foreign_key="business.id", primary_key=True, index=True, ondelete="CASCADE"
    )
