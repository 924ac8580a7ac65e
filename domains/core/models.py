"""Tables for businesses and payment terms."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Field, SQLModel

from domains.mirror_columns import MirrorFields, mirror_table_args
from domains.sqltypes import Money, RawJson, UtcDateTime


class Business(SQLModel, table=True):
    """One QBO company (realm), with its QBO connection and sync state.

    The sync engine owns the token and cursor columns; tokens are stored encrypted (Fernet), never
    in clear text.
    """

    __tablename__ = "business"
    __table_args__ = {"sqlite_autoincrement": True}  # an id is never reused (migration 0005)

    id: int | None = Field(default=None, primary_key=True)
    realm_id: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=255)
    legal_name: str | None = Field(default=None, max_length=255)
    home_currency: str = Field(default="USD", max_length=3)
    timezone: str = Field(default="America/Los_Angeles", max_length=64)
    company_email: str | None = Field(default=None, max_length=255)
    country: str | None = Field(default=None, max_length=64)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC), sa_type=UtcDateTime)
    connection_status: str = Field(default="disconnected", max_length=32)
    access_token_encrypted: str | None = Field(default=None)
    refresh_token_encrypted: str | None = Field(default=None)
    access_token_expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    cdc_cursor: datetime | None = Field(default=None, sa_type=UtcDateTime)
    sync_progress: dict[str, Any] = Field(default_factory=dict, sa_type=RawJson)
    last_synced_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_sync_error: str | None = Field(default=None)
    last_sync_error_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    api_calls: int = Field(default=0)
    data_version: int = Field(default=0)
    """Bumped in the same transaction as every write that changes what a view shows (a sync
    page with changes, a recorded decision): a stored assessment of an older version is stale."""


class Term(MirrorFields, table=True):
    """A QBO Term: net days and an optional early-payment discount (2/10 net 30)."""

    __tablename__ = "term"
    __table_args__ = mirror_table_args("term")

    name: str = Field(max_length=255)
    active: bool = Field(default=True)
    due_days: int | None = Field(default=None)
    discount_percent: Decimal | None = Field(default=None, sa_type=Money)
    discount_days: int | None = Field(default=None)


class SyncRun(SQLModel, table=True):
    """One sync of one business: when, what kind, what changed per entity, and how it ended."""

    __tablename__ = "sync_run"

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    kind: str = Field(max_length=16)  # "full" or "incremental"
    status: str = Field(default="running", max_length=16)  # running, succeeded, failed
    trigger: str = Field(default="manual", max_length=16)  # manual, webhook, schedule, graphql
    started_at: datetime = Field(default_factory=lambda: datetime.now(UTC), sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    changed: dict[str, int] = Field(default_factory=dict, sa_type=RawJson)
    api_calls: int = Field(default=0)
    error: str | None = Field(default=None)
