"""``runway business …`` on a demo database: both ids listed, either accepted, deactivation and
removal as an operator sees them (the row-by-row removal is ``tests/domains/core``'s)."""

import os

from sqlalchemy import update
from sqlmodel import col

from app.db import create_engine, create_session_factory
from domains.core.models import Business
from tests.app.cli import demo_database, run_runway
from tests.factories import make_token

FIRST, SECOND = "QnVzaW5lc3M6MQ==", "QnVzaW5lc3M6Mg=="
"""The global ids of businesses 1 and 2."""


async def runway(*args: str, database_url: str) -> tuple[int, str]:
    env = {**os.environ, "RUNWAY_DATABASE_URL": database_url, "COLUMNS": "200"}
    env.pop("RUNWAY_SMTP_URL", None)
    return await run_runway(*args, env=env)


async def _scoped_token(database_url: str, *business_ids: int) -> None:
    """A viewer token named "dana" for ``business_ids``, and a failed sync on business 2."""
    engine = create_engine(database_url)
    try:
        sessions = create_session_factory(engine)
        await make_token(sessions, role="viewer", business_ids=business_ids, name="dana")
        async with sessions.begin() as session:
            await session.execute(
                update(Business)
                .where(col(Business.id) == 2)
                .values(last_sync_error="QBO refused the refresh token")
            )
    finally:
        await engine.dispose()


async def test_list_shows_both_ids_the_realm_the_connection_and_the_last_error(
    database_url: str,
) -> None:
    await demo_database(database_url)
    await _scoped_token(database_url, 1)

    code, output = await runway("business", "list", database_url=database_url)

    assert code == 0, output
    rows = [line.split() for line in output.splitlines() if line.strip()[:1] in ("1", "2")]
    assert [row[:2] for row in rows] == [["1", FIRST], ["2", SECOND]]
    assert "9341000007000001" in output and "9341000007000002" in output
    assert output.count(" demo ") == 2
    assert "QBO refused the refresh token" in output


async def test_deactivating_leaves_a_business_out_of_bulk_digests_and_its_tokens(
    database_url: str,
) -> None:
    await demo_database(database_url)
    await _scoped_token(database_url, 1, 2)

    code, output = await runway("business", "deactivate", FIRST, database_url=database_url)
    assert code == 0, output
    assert "Taken out of 1 token(s): dana" in output

    code, output = await runway("digest", "generate", "--all", database_url=database_url)
    assert code == 0 and "(1 done, 0 failed of 1)" in output, output
    code, output = await runway("business", "list", database_url=database_url)
    assert "demo, inactive" in output
    code, output = await runway("token", "list", database_url=database_url)
    assert [line.split()[:4] for line in output.splitlines() if "dana" in line] == [
        ["1", "dana", "viewer", "2"]
    ]

    code, output = await runway("business", "activate", "1", database_url=database_url)
    assert code == 0, output
    code, output = await runway("digest", "generate", "--all", database_url=database_url)
    assert code == 0 and "of 2)" in output, output


async def test_remove_deletes_the_business_and_asks_first(database_url: str) -> None:
    await demo_database(database_url)
    await _scoped_token(database_url, 2)
    code, output = await runway("digest", "generate", "--all", database_url=database_url)
    assert code == 0, output

    code, output = await runway("business", "remove", SECOND, database_url=database_url)
    assert code == 1, output  # no terminal to confirm on: nothing removed
    code, output = await runway("business", "remove", SECOND, "--yes", database_url=database_url)
    assert code == 0, output
    assert "Removed business 2 (" in output and "Taken out of 1 token(s): dana" in output

    code, output = await runway("business", "list", database_url=database_url)
    assert FIRST in output and SECOND not in output
    code, output = await runway("token", "list", database_url=database_url)
    assert [line.split()[:4] for line in output.splitlines() if "dana" in line] == [
        ["1", "dana", "viewer", "none"]
    ]


async def test_unknown_and_malformed_ids_are_named(database_url: str) -> None:
    await demo_database(database_url, businesses=1)
    for args, says in [
        (["business", "remove", "99", "--yes"], "No business with id 99."),
        (["business", "deactivate", "QnVzaW5lc3M6OTk="], "No business with id 99."),
        (["business", "activate", "acme"], "runway business list"),
        (["digest", "generate", "--business", "QmlsbDoy"], "runway business list"),
    ]:
        code, output = await runway(*args, database_url=database_url)
        assert (code, says in output) == (2, True), output


async def test_keep_tokens_leaves_the_tokens_and_names_print_as_written(
    database_url: str,
) -> None:
    """A QBO company name is text, never rich markup: brackets print as they are (an
    unbalanced ``[/]`` used to be a crash, ``[bold]`` a silent change of the name)."""
    await demo_database(database_url)
    await _scoped_token(database_url, 1, 2)
    name = "Bell [/] & [bold]Sons[/bold]"
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            await session.execute(update(Business).where(col(Business.id) == 1).values(name=name))
    finally:
        await engine.dispose()

    code, output = await runway(
        "business", "deactivate", FIRST, "--keep-tokens", database_url=database_url
    )
    assert (code, f"Deactivated business 1 ({name})." in output) == (0, True), output
    assert "Taken out of" not in output
    code, output = await runway("token", "list", database_url=database_url)
    assert [line.split()[:5] for line in output.splitlines() if "dana" in line] == [
        ["1", "dana", "viewer", "1,", "2"]
    ]
    code, output = await runway("business", "list", database_url=database_url)
    assert (code, name in output) == (0, True), output
