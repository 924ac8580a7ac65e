"""Digest e-mail against a real SMTP server (aiosmtpd on 127.0.0.1), on SQLite and PostgreSQL.

The stored digests are real: generated companies loaded through the QBO mapper, digested by the
orchestrator, snapshotted and rendered. The server records every message it accepts and can be
told to answer the next messages with a given reply ("451 try again", "550 rejected").
Backoff waits go through a recording ``sleep`` that does not sleep, so the tests assert the
schedule instead of waiting for it.
"""

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from app.db import create_engine, create_session_factory
from app.mailer import NO_RECIPIENTS, DeliveryReport, DigestMailer
from app.settings import Settings
from app.smtp import DEFAULT_SENDER, SmtpSecurity, SmtpTarget, SmtpUrlError, send_message
from domains.core.models import Business
from domains.digests.models import DigestEmail, StoredDigest
from resolvers.clock import business_today
from resolvers.digest import digest
from resolvers.digest_render import render_digest
from resolvers.loaders import Loaders
from resolvers.thresholds import Thresholds
from schema.digest_snapshot import digest_snapshot
from sync.fakeqbo.generator import CompanySize, generate_company
from sync.settings import QboSettings
from tests.conftest import Database
from tests.schema import conftest as schema_fixtures
from tests.schema.conftest import NOW, LoadCompanies

# The company-loading fixture lives in tests/schema/conftest.py; named here, pytest finds it.
load_companies = schema_fixtures.load_companies

SENDER = "Runway Digest <digest@runway.example.com>"
ADVISOR = "advisor@bookkeepers.example.com"


# --- a real SMTP server -----------------------------------------------------------------------


@dataclass
class Inbox:
    """An aiosmtpd handler: keeps accepted messages; answers queued replies first."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    """Replies to the next DATA commands, in order ("451 …" or "550 …"), then "250 OK"."""
    lock: threading.Lock = field(default_factory=threading.Lock)  # the server has its own thread

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self.lock:
            if self.replies:
                return self.replies.pop(0)
            assert isinstance(envelope.content, bytes)
            parsed = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def refuse_next(self, count: int, reply: str = "451 4.3.0 Try again later") -> None:
        with self.lock:
            self.replies[:] = [reply] * count


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    inbox: Inbox
    port: int

    def url(self, scheme: str = "smtp") -> str:
        return f"{scheme}://127.0.0.1:{self.port}?from=Runway%20Digest%20%3Cdigest%40runway.example.com%3E"


@pytest.fixture
def server() -> Iterator[Server]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()  # returns once the server answers
    try:
        yield Server(inbox, port)
    finally:
        controller.stop()


# --- stored digests of generated companies ----------------------------------------------------


async def store_digests(
    database: Database,
    load_companies: LoadCompanies,
    count: int,
    *,
    without_email: bool = False,
) -> list[StoredDigest]:
    """Digests of ``count`` generated companies, rendered and stored as a run would store them."""
    companies = [
        generate_company(seed=23, index=index, as_of=NOW.date(), size=CompanySize.small())
        for index in range(count)
    ]
    if without_email:
        for company in companies:
            del company.company_info["Email"]
    stored = []
    for pk in await load_companies(companies):
        async with database.sessions() as session:
            business = await session.get(Business, pk)
        assert business is not None
        result = await digest(
            Loaders(database.sessions, None),
            business,
            today=business_today(business.timezone, NOW),
            week_of=None,
            now=NOW,
            thresholds=Thresholds(),
        )
        snapshot = digest_snapshot(result, app_url=QboSettings().app_url)
        if not without_email:
            snapshot["recipients"].append(ADVISOR)  # an advisor who follows the business
        rendered = render_digest(snapshot)
        row = StoredDigest(
            business_id=pk,
            week_start=result.week_start,
            as_of=result.as_of,
            generated_at=NOW,
            status=snapshot["status"],
            subject=rendered.subject,
            snapshot=snapshot,
            html=rendered.html,
            text=rendered.text,
        )
        async with database.sessions.begin() as session:
            session.add(row)
        stored.append(row)
    return stored


async def outbox(database: Database, digest_id: int | None) -> DigestEmail:
    async with database.sessions() as session:
        row = await session.scalar(
            select(DigestEmail).where(col(DigestEmail.digest_id) == digest_id)
        )
    assert row is not None
    return row


@dataclass
class Sleeps:
    """A ``sleep`` that records the delays asked for and lets a test look around meanwhile."""

    delays: list[float] = field(default_factory=list)
    during: Callable[[float], Awaitable[None]] | None = None

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        if self.during is not None:
            await self.during(delay)


def mailer(
    database: Database, url: str, sleeps: Sleeps | None = None, **options: Any
) -> DigestMailer:
    return DigestMailer(
        SmtpTarget.parse(url),
        database.sessions,
        backoff_base=0.5,
        clock=lambda: NOW,
        sleep=sleeps or Sleeps(),
        **options,
    )


def pk(row: StoredDigest) -> int:
    assert row.id is not None
    return row.id


def ids(stored: list[StoredDigest]) -> tuple[int, ...]:
    return tuple(pk(row) for row in stored)


# --- delivery ---------------------------------------------------------------------------------


async def test_each_digest_goes_out_as_text_and_html_to_its_recipients(
    database: Database, load_companies: LoadCompanies, server: Server
) -> None:
    stored = await store_digests(database, load_companies, 2)

    report = await mailer(database, server.url()).deliver(ids(stored))

    assert report == DeliveryReport(sent=ids(stored))
    assert len(server.inbox.messages) == 2
    received = {
        message["X-Runway-Digest-Id"]: (rcpt, message) for rcpt, message in server.inbox.messages
    }
    for row in stored:
        recipients = row.snapshot["recipients"]
        assert len(recipients) == 2 and recipients[1] == ADVISOR
        envelope_to, message = received[str(row.id)]
        assert envelope_to == recipients
        assert message["To"] == ", ".join(recipients)
        assert message["From"] == SENDER
        assert message["Subject"] == row.subject
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        assert text is not None and html is not None
        assert isinstance(text, EmailMessage) and isinstance(html, EmailMessage)
        assert text.get_content().replace("\r\n", "\n") == row.text
        assert html.get_content().replace("\r\n", "\n") == row.html
        # The chart is table cells: nothing a client may drop or block (SVG, images, parts).
        assert [part.get_content_type() for part in message.iter_parts()] == [
            "text/plain",
            "text/html",
        ]
        assert "<svg" not in row.html and "<img" not in row.html
        email = await outbox(database, row.id)
        assert email.status == "sent"
        assert email.attempts == 1
        assert email.recipients == recipients
        assert email.sent_at == NOW
        assert email.last_error is None
        assert email.message_id == message["Message-ID"]
        assert email.message_id == f"<digest-{row.id}.2026-11-16@runway.example.com>"


async def test_a_rerun_never_resends_a_sent_digest(
    database: Database, load_companies: LoadCompanies, server: Server
) -> None:
    stored = await store_digests(database, load_companies, 2)
    first = await mailer(database, server.url()).deliver(ids(stored))
    again = await mailer(database, server.url()).deliver([*ids(stored), *ids(stored)])

    assert first.sent == ids(stored)
    assert again == DeliveryReport(skipped=ids(stored))
    assert len(server.inbox.messages) == 2
    for row in stored:
        assert (await outbox(database, row.id)).attempts == 1


async def test_temporary_refusals_are_retried_with_exponential_backoff(
    database: Database, load_companies: LoadCompanies, server: Server
) -> None:
    (row,) = await store_digests(database, load_companies, 1)
    server.inbox.refuse_next(2)
    seen: list[DigestEmail] = []

    async def look(delay: float) -> None:  # the row while the mailer waits to retry
        seen.append(await outbox(database, row.id))

    sleeps = Sleeps(during=look)

    report = await mailer(database, server.url(), sleeps).deliver([pk(row)])

    assert report.sent == (pk(row),)
    assert sleeps.delays == [0.5, 1.0]
    assert [(s.status, s.attempts) for s in seen] == [("sending", 1), ("sending", 2)]
    assert all(s.last_error == "451 4.3.0 Try again later" for s in seen)
    assert [s.next_attempt_at for s in seen] == [
        NOW + timedelta(seconds=0.5),
        NOW + timedelta(seconds=1),
    ]
    email = await outbox(database, row.id)
    assert (email.status, email.attempts, email.last_error) == ("sent", 3, None)
    assert len(server.inbox.messages) == 1


async def test_a_failure_is_recorded_and_a_rerun_after_recovery_sends_it_once(
    database: Database, load_companies: LoadCompanies, server: Server
) -> None:
    (row,) = await store_digests(database, load_companies, 1)
    server.inbox.refuse_next(3)
    sleeps = Sleeps()

    failed = await mailer(database, server.url(), sleeps).deliver([pk(row)])

    assert failed == DeliveryReport(failed=(pk(row),))
    assert sleeps.delays == [0.5, 1.0]  # three attempts, two waits
    email = await outbox(database, row.id)
    assert (email.status, email.attempts) == ("failed", 3)
    assert email.last_error == "451 4.3.0 Try again later"
    assert email.next_attempt_at is None and email.sent_at is None
    assert server.inbox.messages == []

    recovered = await mailer(database, server.url()).deliver([pk(row)])
    again = await mailer(database, server.url()).deliver([pk(row)])

    assert recovered == DeliveryReport(sent=(pk(row),))
    assert again == DeliveryReport(skipped=(pk(row),))
    assert len(server.inbox.messages) == 1
    email = await outbox(database, row.id)
    assert (email.status, email.attempts, email.last_error) == ("sent", 4, None)


async def test_nothing_listening_is_retried_then_recorded(
    database: Database, load_companies: LoadCompanies
) -> None:
    (row,) = await store_digests(database, load_companies, 1)
    sleeps = Sleeps()
    url = f"smtp://127.0.0.1:{free_port()}?timeout=5"

    report = await mailer(database, url, sleeps, max_attempts=2).deliver([pk(row)])

    assert report == DeliveryReport(failed=(pk(row),))
    assert sleeps.delays == [0.5]
    email = await outbox(database, row.id)
    assert (email.status, email.attempts) == ("failed", 2)
    assert email.last_error is not None and "Error connecting to 127.0.0.1" in email.last_error


async def test_a_permanent_refusal_is_not_retried(
    database: Database, load_companies: LoadCompanies, server: Server
) -> None:
    (row,) = await store_digests(database, load_companies, 1)
    server.inbox.refuse_next(1, "550 5.7.1 Message rejected as spam")
    sleeps = Sleeps()

    report = await mailer(database, server.url(), sleeps).deliver([pk(row)])

    assert report == DeliveryReport(failed=(pk(row),))
    assert sleeps.delays == []
    email = await outbox(database, row.id)
    assert (email.status, email.attempts) == ("failed", 1)
    assert email.last_error == "550 5.7.1 Message rejected as spam"


async def test_starttls_is_required_not_silently_skipped(
    database: Database, load_companies: LoadCompanies, server: Server
) -> None:
    (row,) = await store_digests(database, load_companies, 1)
    url = server.url("smtp+starttls")  # this test server offers no STARTTLS

    report = await mailer(database, url, max_attempts=1).deliver([pk(row)])

    assert report == DeliveryReport(failed=(pk(row),))
    email = await outbox(database, row.id)
    assert email.last_error is not None and "STARTTLS" in email.last_error
    assert server.inbox.messages == []


async def test_a_digest_without_recipients_fails_with_a_reason(
    database: Database, load_companies: LoadCompanies, server: Server
) -> None:
    (row,) = await store_digests(database, load_companies, 1, without_email=True)
    assert row.snapshot["recipients"] == []

    report = await mailer(database, server.url()).deliver([pk(row)])

    assert report == DeliveryReport(failed=(pk(row),))
    email = await outbox(database, row.id)
    assert (email.status, email.recipients, email.last_error) == ("failed", [], NO_RECIPIENTS)
    assert server.inbox.messages == []


async def test_unknown_digests_are_skipped(database: Database, server: Server) -> None:
    assert await mailer(database, server.url()).deliver([424242]) == DeliveryReport(
        skipped=(424242,)
    )


# --- two processes ----------------------------------------------------------------------------


@pytest.fixture
async def second_process(database: Database) -> AsyncIterator[Database]:
    """The same database through an engine of its own, as another server process has."""
    engine = create_engine(database.url)
    try:
        yield Database(database.kind, database.url, engine, create_session_factory(engine))
    finally:
        await engine.dispose()


async def test_two_processes_delivering_at_once_send_each_digest_once(
    database: Database,
    second_process: Database,
    load_companies: LoadCompanies,
    server: Server,
) -> None:
    stored = await store_digests(database, load_companies, 2)
    first_sending = asyncio.Event()
    go_on = asyncio.Event()
    calls = 0

    async def held_send(target: SmtpTarget, message: EmailMessage, to: list[str]) -> dict[str, str]:
        # The first process has claimed both digests and is mid-send when the second one asks.
        nonlocal calls
        calls += 1
        if calls == len(stored):
            first_sending.set()
        await go_on.wait()
        return await send_message(target, message, to)

    first = asyncio.create_task(mailer(database, server.url(), send=held_send).deliver(ids(stored)))
    await first_sending.wait()
    second = await mailer(second_process, server.url()).deliver(ids(stored))
    go_on.set()

    assert second == DeliveryReport(skipped=ids(stored))
    assert await first == DeliveryReport(sent=ids(stored))
    assert len(server.inbox.messages) == 2


async def test_a_claim_left_by_a_dead_process_is_taken_over(
    database: Database, load_companies: LoadCompanies, server: Server
) -> None:
    abandoned, busy = await store_digests(database, load_companies, 2)
    timeout = timedelta(minutes=15)
    async with database.sessions.begin() as session:
        for row, last_attempt in ((abandoned, NOW - timeout - timedelta(seconds=1)), (busy, NOW)):
            assert row.id is not None
            session.add(
                DigestEmail(
                    digest_id=row.id,
                    business_id=row.business_id,
                    recipients=row.snapshot["recipients"],
                    status="sending",
                    attempts=1,
                    next_attempt_at=last_attempt,
                )
            )

    report = await mailer(database, server.url(), claim_timeout=timeout).deliver(
        ids([abandoned, busy])
    )

    assert report == DeliveryReport(sent=ids([abandoned]), skipped=ids([busy]))
    assert [m["X-Runway-Digest-Id"] for _, m in server.inbox.messages] == [str(abandoned.id)]
    assert (await outbox(database, abandoned.id)).attempts == 2
    assert (await outbox(database, busy.id)).status == "sending"


# --- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "security", "port"),
    [
        ("smtp://mail.example.com", SmtpSecurity.NONE, 25),
        ("smtp+starttls://mail.example.com", SmtpSecurity.STARTTLS, 587),
        ("smtps://mail.example.com", SmtpSecurity.TLS, 465),
        ("SMTPS://mail.example.com:2465", SmtpSecurity.TLS, 2465),
    ],
)
def test_the_url_scheme_chooses_the_protection(url: str, security: SmtpSecurity, port: int) -> None:
    target = SmtpTarget.parse(url)
    assert (target.host, target.port, target.security) == ("mail.example.com", port, security)
    assert target.sender == DEFAULT_SENDER
    assert target.username is None and target.password is None


def test_the_url_carries_login_sender_and_timeout() -> None:
    target = SmtpTarget.parse(
        "smtps://apikey:p%40ss%3Aw0rd@smtp.example.com:465"
        "?from=Runway%20%3Cdigest%40acme.example%3E&timeout=12.5"
    )
    assert (target.username, target.password) == ("apikey", "p@ss:w0rd")
    assert target.sender == "Runway <digest@acme.example>"
    assert target.sender_domain == "acme.example"
    assert target.timeout == 12.5
    assert "p@ss" not in repr(target) and "p@ss" not in target.describe()
    assert target.describe() == "smtps://smtp.example.com:465"


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("http://mail.example.com", "scheme must be"),
        ("smtp://", "no host"),
        ("smtp://mail.example.com:notaport", "port must be a number"),
        ("smtp://mail.example.com/inbox", "must not have a path"),
        ("smtp://mail.example.com?starttls=true", "unknown query parameter(s): starttls"),
        ("smtp://mail.example.com?from=nobody", "'from' must be an e-mail address"),
        ("smtp://mail.example.com?timeout=soon", "'timeout' must be a number"),
        ("smtp://mail.example.com?timeout=0", "between 0 and 600"),
    ],
)
def test_unusable_urls_are_refused_with_the_reason(url: str, complaint: str) -> None:
    with pytest.raises(SmtpUrlError) as raised:
        SmtpTarget.parse(url)
    assert complaint in str(raised.value)


def test_the_mailer_exists_only_when_smtp_is_configured() -> None:
    sessions: async_sessionmaker[AsyncSession] = async_sessionmaker()  # never opened here
    unset = Settings(_env_file=None)
    assert DigestMailer.from_settings(unset, sessions) is None
    configured = unset.model_copy(
        update={"smtp_url": SecretStr("smtp+starttls://u:secret@smtp.example.com")}
    )
    mailer = DigestMailer.from_settings(configured, sessions)
    assert mailer is not None
    assert mailer.target.security is SmtpSecurity.STARTTLS
    assert mailer.target.password == "secret"


def test_backoff_doubles_up_to_its_ceiling() -> None:
    target = SmtpTarget.parse("smtp://mail.example.com")
    sessions: async_sessionmaker[AsyncSession] = async_sessionmaker()  # never opened here
    mailer = DigestMailer(target, sessions, backoff_base=2.0, backoff_max=5.0)
    assert [mailer.backoff(n) for n in (1, 2, 3, 4)] == [2.0, 4.0, 5.0, 5.0]
    with pytest.raises(ValueError, match="twice the SMTP timeout"):
        DigestMailer(target, sessions, claim_timeout=timedelta(seconds=30))


async def test_one_digest_failing_unexpectedly_does_not_stop_the_others(
    database: Database, load_companies: LoadCompanies, server: Server
) -> None:
    broken, fine = await store_digests(database, load_companies, 2)

    async def send(target: SmtpTarget, message: EmailMessage, to: list[str]) -> dict[str, str]:
        if message["X-Runway-Digest-Id"] == str(broken.id):
            raise RuntimeError("a bug")
        return await send_message(target, message, to)

    report = await mailer(database, server.url(), send=send).deliver(ids([broken, fine]))

    assert report == DeliveryReport(sent=ids([fine]), failed=ids([broken]))
    # Left claimed: once the claim is stale, a later delivery takes it over.
    assert (await outbox(database, broken.id)).status == "sending"
    assert len(server.inbox.messages) == 1
