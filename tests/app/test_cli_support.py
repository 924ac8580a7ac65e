"""What every command shares, seen from outside: a database it can't use is two lines (the cause,
then the fix) and exit 3, never a traceback; a business id is accepted in either form."""

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import typer

from app.cli_support import DATABASE_UNUSABLE, parse_business_id
from tests.app.cli import run_runway

COMMANDS = [
    ["token", "create", "--role", "admin", "--all-businesses"],
    ["token", "list"],
    ["token", "revoke", "--name", "scheduler"],
    ["business", "list"],
    ["business", "deactivate", "1"],
    ["business", "remove", "1", "--yes"],
    ["sync", "--all"],
    ["digest", "generate", "--all"],
    ["serve", "--port", "1"],  # checks before it binds: never listens
    ["worker"],
]
"""Every command that reads the database as it starts (``db upgrade`` and ``demo`` create it)."""


async def _runway(*args: str, database_url: str) -> tuple[int, list[str]]:
    env = {**os.environ, "RUNWAY_DATABASE_URL": database_url, "COLUMNS": "200"}
    code, output = await run_runway(*args, env=env)
    return code, [line for line in output.splitlines() if line.strip()]


async def _each(
    commands: list[list[str]], database_url: Callable[[int], str]
) -> dict[str, tuple[int, list[str]]]:
    """Every command's exit code and lines, a few processes at a time (each starts Python)."""
    running = asyncio.Semaphore(4)

    async def one(number: int, command: list[str]) -> tuple[int, list[str]]:
        async with running:
            return await _runway(*command, database_url=database_url(number))

    answers = await asyncio.gather(*(one(n, command) for n, command in enumerate(commands)))
    return {" ".join(command): answer for command, answer in zip(commands, answers, strict=True)}


async def test_postgresql_unreachable_is_two_lines_and_exit_3() -> None:
    url = "postgresql+asyncpg://runway:s3cret@127.0.0.1:1/runway"
    answers = await _each([["db", "upgrade"], ["demo", "--no-serve"], *COMMANDS], lambda _: url)
    expected = (
        DATABASE_UNUSABLE,
        [
            "Cannot reach PostgreSQL at 127.0.0.1:1 (connection refused: nothing listens there).",
            "Start it, or point RUNWAY_DATABASE_URL at a running server.",
        ],
    )
    for command, (code, lines) in answers.items():
        words = [line for line in lines if "Migrating" not in line]  # the demo's first step
        assert (code, words) == expected, command


async def test_a_never_migrated_database_says_to_upgrade(tmp_path: Path) -> None:
    answers = await _each(COMMANDS, lambda n: f"sqlite+aiosqlite:///{tmp_path / f'{n}.db'}")
    for number, (command, (code, lines)) in enumerate(answers.items()):
        assert (code, lines) == (
            DATABASE_UNUSABLE,
            [
                f"The database in the SQLite file {tmp_path / f'{number}.db'} has no Runway "
                "schema.",
                "Run `runway db upgrade` (with the same RUNWAY_DATABASE_URL).",
            ],
        ), command


async def test_upgrading_a_database_that_does_not_exist_says_how_to_create_it(
    database_url: str,
) -> None:
    if database_url.startswith("postgresql"):
        missing = database_url.rsplit("/", 1)[0] + "/runway_never_created"
        expected = "The database 'runway_never_created' does not exist on "
    else:
        missing = database_url.replace("/runway.db", "/gone/runway.db")
        expected = "Cannot open the SQLite file "
    code, lines = await _runway("db", "upgrade", database_url=missing)
    assert code == DATABASE_UNUSABLE
    assert len(lines) == 2 and lines[0].startswith(expected), lines


def test_a_business_id_is_accepted_in_either_form() -> None:
    assert parse_business_id("2") == 2
    assert parse_business_id("QnVzaW5lc3M6Mg==") == 2
    for wrong in ["0", "-2", "QmlsbDoy", "two", "9" * 30]:  # a Bill's global id among them
        with pytest.raises(typer.BadParameter, match="runway business list"):
            parse_business_id(wrong)
