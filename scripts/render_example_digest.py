"""Render docs/example-digest.html: the digest e-mail of one generated demo business.

Run ``.venv/bin/python scripts/render_example_digest.py`` after changing the digest's templates or
wording; ``tests/resolvers/test_digest_render.py`` fails while the checked-in file is out of date.
The business is generated (seeded), loaded into a throwaway SQLite file through the real QBO
mapper, and digested at a pinned instant, so the output is the same byte for byte on every run.
"""

import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import SQLModel

import domains  # noqa: F401  (registers every table)
from app.db import create_engine, create_session_factory
from resolvers.clock import business_today
from resolvers.digest import digest
from resolvers.digest_render import RenderedDigest, render_digest
from resolvers.loaders import Loaders
from resolvers.thresholds import Thresholds
from schema.digest_snapshot import digest_snapshot
from sync.fakeqbo.generator import CompanySize, generate_company
from sync.fakeqbo.landing import land_company
from sync.settings import QboSettings

OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "example-digest.html"
NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
"""Friday morning in the business's timezone, the mirror synced at this instant."""
SEED, INDEX = 19, 4
"""Yellowstone Builders Group: WARNING, bills due this week, overdue invoices, moves that add
runway, and a forecast that dips below zero in January (blue and red bars)."""


async def example_digest(workdir: Path) -> RenderedDigest:
    """The example business's digest, computed in a fresh SQLite database under ``workdir``."""
    company = generate_company(
        seed=SEED, index=INDEX, as_of=NOW.date(), size=CompanySize.realistic()
    )
    engine = create_engine(f"sqlite+aiosqlite:///{workdir / 'example.db'}")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all)
        sessions = create_session_factory(engine)
        async with sessions.begin() as session:
            business = await land_company(session, company, synced_at=NOW, connection_status="demo")
        result = await digest(
            Loaders(sessions, None),
            business,
            today=business_today(business.timezone, NOW),
            week_of=None,
            now=NOW,
            thresholds=Thresholds(),
        )
        return render_digest(digest_snapshot(result, app_url=QboSettings().app_url))
    finally:
        await engine.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        rendered = asyncio.run(example_digest(Path(workdir)))
    OUTPUT.write_text(rendered.html, encoding="utf-8")
    sys.stdout.write(f"{OUTPUT} ({rendered.subject})\n")


if __name__ == "__main__":
    main()
