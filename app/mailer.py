"""E-mail stored digests through an outbox, so each one is sent once however often delivery runs.

Each stored digest gets one ``DigestEmail`` row. Sending a digest means claiming its row with an
atomic ``UPDATE … WHERE status IN ('pending', 'failed') RETURNING``: of several processes (or
tasks) asking at once, exactly one gets it. The row's ``attempts`` is bumped by every attempt and
doubles as a fencing token: each later write says ``WHERE attempts = <mine>``, so a process whose
claim was taken over (see below) cannot overwrite the new holder's outcome.

Row life: ``pending`` (created) → ``sending`` (claimed) → ``sent``, or ``failed`` once the
attempts of one delivery are used up or the server refuses for good (5xx). While ``sending``,
``next_attempt_at`` is when the current or next attempt starts (the backoff's schedule); a row
still ``sending`` ``claim_timeout`` after that belongs to a process that died, and is claimed
again. ``sent`` is final: no later delivery sends it again. ``failed`` rows are tried afresh by
the next delivery that names them (after an outage, re-running delivery sends what failed).

SMTP has no transactions: if a process dies after the server accepted a message and before the
row says ``sent``, the message goes again when the claim goes stale. The Message-ID is stable per
digest so mail clients can recognise the duplicate.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, Literal

import aiosmtplib
from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from app.settings import Settings
from app.smtp import PermanentSmtpError, SmtpTarget, send_message
from domains.digests.models import DigestEmail, StoredDigest
from resolvers.clock import utc_now

logger = logging.getLogger(__name__)

Outcome = Literal["sent", "failed", "skipped"]
Sender = Callable[[SmtpTarget, EmailMessage, list[str]], Awaitable[dict[str, str]]]
"""Sends one message and returns the refused recipients (``app.smtp.send_message``)."""

NO_RECIPIENTS = (
    "no recipients: the business has no QBO company e-mail and no digest recipients, "
    "so there is no one to send its digest to"
)
ERROR_MAX = 1000
"""``last_error`` keeps this many characters of the server's reply."""


@dataclass(frozen=True)
class DeliveryReport:
    """Which digests (by ``StoredDigest.id``) one ``deliver`` call sent, gave up on, or left.

    ``skipped``: already sent, being sent by another process right now, or no such digest.
    """

    sent: tuple[int, ...] = ()
    failed: tuple[int, ...] = ()
    skipped: tuple[int, ...] = ()


class DigestMailer:
    """Sends stored digests to their recipients, at most once each, retrying what fails."""

    def __init__(
        self,
        target: SmtpTarget,
        sessions: async_sessionmaker[AsyncSession],
        *,
        max_attempts: int = 3,
        backoff_base: float = 5.0,
        backoff_max: float = 300.0,
        claim_timeout: timedelta = timedelta(minutes=15),
        max_concurrent: int = 4,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        send: Sender = send_message,
    ) -> None:
        """Args:
        max_attempts: attempts per digest within one ``deliver`` call before it is ``failed``.
        backoff_base: seconds before the second attempt; each further wait doubles, up to
            ``backoff_max``. Small in tests.
        claim_timeout: how long past its scheduled attempt a ``sending`` row is left to its
            holder before another process takes it over. Must exceed the longest attempt
            (the SMTP timeout) by a margin, or a slow live sender is taken for a dead one.
        max_concurrent: digests sent at once (each over its own connection).
        clock, sleep, send: the outside world, for tests to pin or watch.
        """
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if claim_timeout.total_seconds() <= 2 * target.timeout:
            raise ValueError("claim_timeout must be more than twice the SMTP timeout")
        self.target = target
        self.sessions = sessions
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.claim_timeout = claim_timeout
        self.clock = clock
        self.sleep = sleep
        self.send = send
        self._slots = asyncio.Semaphore(max_concurrent)

    @classmethod
    def from_settings(
        cls, settings: Settings, sessions: async_sessionmaker[AsyncSession]
    ) -> "DigestMailer | None":
        """The mailer ``RUNWAY_SMTP_URL`` describes; ``None`` when it is not set.

        Raises:
            app.smtp.SmtpUrlError: the URL is set but unusable (a ``ValueError``).
        """
        if settings.smtp_url is None:
            return None
        return cls(SmtpTarget.parse(settings.smtp_url.get_secret_value()), sessions)

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based) of one delivery."""
        return float(min(self.backoff_base * 2 ** (attempt - 1), self.backoff_max))

    async def deliver(self, digest_ids: Sequence[int]) -> DeliveryReport:
        """Send each stored digest that is not sent yet; a re-run never sends one twice."""
        unique = list(dict.fromkeys(digest_ids))
        outcomes = await asyncio.gather(*(self._deliver_in_slot(pk) for pk in unique))
        report = DeliveryReport(
            sent=tuple(pk for pk, o in zip(unique, outcomes, strict=True) if o == "sent"),
            failed=tuple(pk for pk, o in zip(unique, outcomes, strict=True) if o == "failed"),
            skipped=tuple(pk for pk, o in zip(unique, outcomes, strict=True) if o == "skipped"),
        )
        logger.info(
            "digest delivery via %s: %d sent, %d failed, %d skipped",
            self.target.describe(),
            len(report.sent),
            len(report.failed),
            len(report.skipped),
        )
        return report

    async def _deliver_in_slot(self, digest_id: int) -> Outcome:
        async with self._slots:
            try:
                return await self._deliver_one(digest_id)
            except Exception:
                # One digest's surprise (a database hiccup, a bug) must not stop the others.
                # A row left "sending" is claimed again once its claim goes stale.
                logger.exception("digest %s: delivery failed unexpectedly", digest_id)
                return "failed"

    async def _deliver_one(self, digest_id: int) -> Outcome:
        async with self.sessions.begin() as session:
            stored = await session.get(StoredDigest, digest_id)
            if stored is None:
                logger.warning("digest %s: no such stored digest, nothing to send", digest_id)
                return "skipped"
            await _ensure_outbox_row(session, stored, now=self.clock())
        claim = await self._claim(digest_id)
        if claim is None:
            return "skipped"
        email_id, token, recipients = claim
        if not recipients:
            await self._finish(email_id, token, status="failed", error=NO_RECIPIENTS)
            logger.warning("digest %s: %s", digest_id, NO_RECIPIENTS)
            return "failed"
        message = digest_message(stored, recipients, target=self.target, now=self.clock())
        for attempt in range(1, self.max_attempts + 1):
            if attempt > 1:
                renewed = await self._next_attempt(email_id, token)
                if renewed is None:  # our claim went stale and another process took it
                    return "skipped"
                token = renewed
            try:
                refused = await self.send(self.target, message, recipients)
            except PermanentSmtpError as error:
                await self._finish(email_id, token, status="failed", error=str(error))
                logger.warning("digest %s: refused for good: %s", digest_id, error)
                return "failed"
            except (aiosmtplib.SMTPException, OSError) as error:
                reason = _describe(error)
                if attempt == self.max_attempts:
                    await self._finish(email_id, token, status="failed", error=reason)
                    logger.warning(
                        "digest %s: giving up after %d attempts: %s", digest_id, attempt, reason
                    )
                    return "failed"
                delay = self.backoff(attempt)
                await self._schedule_retry(email_id, token, reason, delay)
                logger.info(
                    "digest %s: attempt %d failed (%s), retrying in %.1fs",
                    digest_id,
                    attempt,
                    reason,
                    delay,
                )
                await self.sleep(delay)
                continue
            note = "; ".join(f"{a} refused: {r}" for a, r in refused.items()) or None
            await self._finish(
                email_id, token, status="sent", error=note, message_id=message["Message-ID"]
            )
            return "sent"
        raise AssertionError("unreachable: the last attempt returns")  # pragma: no cover

    async def _claim(self, digest_id: int) -> tuple[int, int, list[str]] | None:
        """Take the digest's row for sending: (row id, attempt token, recipients), or ``None``."""
        now = self.clock()
        status, scheduled = col(DigestEmail.status), col(DigestEmail.next_attempt_at)
        abandoned = and_(
            status == "sending",
            or_(scheduled.is_(None), scheduled < now - self.claim_timeout),
        )
        statement = (
            update(DigestEmail)
            .where(col(DigestEmail.digest_id) == digest_id)
            .where(or_(status.in_(("pending", "failed")), abandoned))
            .values(status="sending", attempts=col(DigestEmail.attempts) + 1, next_attempt_at=now)
            .returning(col(DigestEmail.id), col(DigestEmail.attempts), col(DigestEmail.recipients))
        )
        async with self.sessions.begin() as session:
            row = (await session.execute(statement)).first()
            if row is not None:
                email_id, attempts, recipients = row
                assert email_id is not None  # a stored row has its primary key
                return email_id, attempts, list(recipients or [])
            current = await session.scalar(
                select(status).where(col(DigestEmail.digest_id) == digest_id)
            )
        logger.info("digest %s: not sending it, its e-mail is %s", digest_id, current)
        return None

    async def _next_attempt(self, email_id: int, token: int) -> int | None:
        """Start another attempt on a row we hold; ``None`` if we no longer hold it."""
        statement = (
            update(DigestEmail)
            .where(*self._held(email_id, token))
            .values(attempts=col(DigestEmail.attempts) + 1, next_attempt_at=self.clock())
            .returning(col(DigestEmail.attempts))
        )
        async with self.sessions.begin() as session:
            attempts: int | None = await session.scalar(statement)
        return attempts

    @staticmethod
    def _held(email_id: int, token: int) -> tuple[Any, ...]:
        """Still ours: the row is ``sending`` at the attempt we started (``attempts`` = token)."""
        return (
            col(DigestEmail.id) == email_id,
            col(DigestEmail.status) == "sending",
            col(DigestEmail.attempts) == token,
        )

    async def _schedule_retry(self, email_id: int, token: int, error: str, delay: float) -> None:
        await self._update(
            email_id,
            token,
            last_error=error[:ERROR_MAX],
            next_attempt_at=self.clock() + timedelta(seconds=delay),
        )

    async def _finish(
        self,
        email_id: int,
        token: int,
        *,
        status: Literal["sent", "failed"],
        error: str | None,
        message_id: str | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "status": status,
            "last_error": error[:ERROR_MAX] if error else None,
            "next_attempt_at": None,
        }
        if status == "sent":
            values.update(sent_at=self.clock(), message_id=message_id)
        await self._update(email_id, token, **values)

    async def _update(self, email_id: int, token: int, **values: Any) -> None:
        """Write to a row we hold (still ``sending`` at our attempt), else leave it alone."""
        statement = (
            update(DigestEmail)
            .where(*self._held(email_id, token))
            .values(**values)
            .returning(col(DigestEmail.id))
        )
        async with self.sessions.begin() as session:
            if await session.scalar(statement) is None:
                logger.warning("digest e-mail %s was taken over by another process", email_id)


def digest_message(
    stored: StoredDigest, recipients: Sequence[str], *, target: SmtpTarget, now: datetime
) -> EmailMessage:
    """The e-mail of a stored digest: plain text with an HTML alternative.

    The Message-ID depends only on the digest, so a message sent twice (a crash between the
    server's acceptance and our bookkeeping) is recognisably the same message.
    """
    message = EmailMessage()
    message["Subject"] = " ".join(stored.subject.split())  # no line breaks in a header
    message["From"] = target.sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(now.astimezone(UTC))
    message["Message-ID"] = (
        f"<digest-{stored.id}.{stored.week_start.isoformat()}@{target.sender_domain}>"
    )
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-responders, do not reply
    message["X-Runway-Digest-Id"] = str(stored.id)
    message.set_content(stored.text)
    message.add_alternative(stored.html, subtype="html")
    return message


async def _ensure_outbox_row(session: AsyncSession, stored: StoredDigest, *, now: datetime) -> None:
    """Create the digest's outbox row, addressed to the snapshot's recipients, unless it exists.

    ``ON CONFLICT DO NOTHING`` on the unique ``digest_id``: two processes may both get here.
    """
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"the digest outbox is not implemented for {dialect}")
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    recipients = [str(r) for r in stored.snapshot.get("recipients", []) if str(r).strip()]
    statement = (
        insert(DigestEmail)
        .values(
            digest_id=stored.id,
            business_id=stored.business_id,
            recipients=recipients,
            status="pending",
            attempts=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["digest_id"])
    )
    await session.execute(statement)


def _describe(error: Exception) -> str:
    """An SMTP or network failure in one line: "451 try again later", "ConnectionRefusedError…"."""
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return f"{error.code} {error.message}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
