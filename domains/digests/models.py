"""Tables for digest runs (one item per business), stored digests and their e-mail outbox."""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from domains.sqltypes import RawJson, UtcDateTime


def _now() -> datetime:
    return datetime.now(UTC)


class DigestRun(SQLModel, table=True):
    """One call of ``generateDigests``: a week, the businesses asked for, and how it went.

    ``status`` is QUEUED, RUNNING, SUCCEEDED, PARTIAL (some businesses failed) or FAILED.
    """

    __tablename__ = "digest_run"

    id: int | None = Field(default=None, primary_key=True)
    week_start: date = Field(index=True)
    requested_by: str = Field(max_length=255)
    status: str = Field(default="QUEUED", max_length=16, index=True)
    deliver: bool = Field(default=False)
    force: bool = Field(default=False)
    total: int = Field(default=0)
    done: int = Field(default=0)
    failed: int = Field(default=0)
    created_at: datetime = Field(default_factory=_now, sa_type=UtcDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class DigestRunItem(SQLModel, table=True):
    """One business in a run: claimed by a worker under a lease, then done or failed.

    ``status`` is pending, running, done or failed. A worker that dies leaves its items
    ``running`` with a lease that expires, after which another worker reclaims them.
    """

    __tablename__ = "digest_run_item"
    __table_args__ = (
        UniqueConstraint("run_id", "business_id", name="uq_digest_run_item_run_id_business_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="digest_run.id", index=True, ondelete="CASCADE")
    business_id: int = Field(foreign_key="business.id", index=True)
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = Field(default=0)
    lease_owner: str | None = Field(default=None, max_length=128)
    lease_expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    digest_id: int | None = Field(default=None, foreign_key="stored_digest.id")
    reused: bool = Field(default=False)
    error: str | None = Field(default=None)
    updated_at: datetime = Field(default_factory=_now, sa_type=UtcDateTime)


class StoredDigest(SQLModel, table=True):
    """A business's digest for one week (Monday), kept with its data and its e-mail renderings."""

    __tablename__ = "stored_digest"
    __table_args__ = (
        UniqueConstraint(
            "business_id", "week_start", name="uq_stored_digest_business_id_week_start"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    week_start: date
    as_of: date
    generated_at: datetime = Field(default_factory=_now, sa_type=UtcDateTime)
    run_id: int | None = Field(default=None, foreign_key="digest_run.id")
    status: str = Field(max_length=16)  # the digest's headline: CRITICAL, WARNING, HEALTHY
    subject: str = Field(max_length=255)
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_type=RawJson)
    html: str = Field(sa_type=Text)
    text: str = Field(sa_type=Text)


class DigestEmail(SQLModel, table=True):
    """The outbox: one e-mail per stored digest, so a retry or a re-run never sends it twice.

    ``status`` is pending, sending, sent or failed (gave up after the last attempt).
    """

    __tablename__ = "digest_email"

    id: int | None = Field(default=None, primary_key=True)
    digest_id: int = Field(foreign_key="stored_digest.id", unique=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    recipients: list[str] = Field(default_factory=list, sa_type=RawJson)
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_error: str | None = Field(default=None)
    message_id: str | None = Field(default=None, max_length=255)
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = Field(default_factory=_now, sa_type=UtcDateTime)


class ScheduleLock(SQLModel, table=True):
    """A named lease, so that of several server processes only one starts the weekly run."""

    __tablename__ = "schedule_lock"

    name: str = Field(primary_key=True, max_length=64)
    holder: str | None = Field(default=None, max_length=128)
    expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_fired_for: datetime | None = Field(default=None, sa_type=UtcDateTime)
