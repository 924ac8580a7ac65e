"""``runway token …`` as an operator runs it: scopes by either form of id, a listing without
secrets, and mistakes named in the command's own option names."""

import os
from pathlib import Path

from app.commands_tokens import Role
from app.migrations import upgrade_database_async
from domains.access import queries as access_queries
from tests.app.cli import run_runway


async def runway(*args: str, database_url: str) -> tuple[int, str]:
    env = {**os.environ, "RUNWAY_DATABASE_URL": database_url, "COLUMNS": "200"}
    return await run_runway(*args, env=env)


async def test_create_list_and_revoke(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'runway.db'}"
    await upgrade_database_async(url)
    code, output = await runway("business", "list", database_url=url)
    assert (code, "No businesses yet" in output) == (0, True), output

    code, output = await runway(
        "token", "create", "--role", "admin", "--all-businesses", "--name", "ops", database_url=url
    )
    assert code == 0, output
    token = output.splitlines()[-1]
    assert token.startswith("rwy_") and "an admin token 'ops'" in output

    code, output = await runway(
        "token",
        "create",
        "--role",
        "viewer",
        "--all-businesses",
        "--name",
        "gql",
        "--ad-hoc",
        database_url=url,
    )
    assert code == 0, output
    code, output = await runway("token", "list", database_url=url)
    assert code == 0, output
    assert [line.split()[:5] for line in output.splitlines() if "ops" in line or "gql" in line] == [
        ["1", "ops", "admin", "all", "registered"],
        ["2", "gql", "viewer", "all", "any"],
    ]
    assert token not in output

    code, output = await runway("token", "revoke", token, database_url=url)
    assert (code, "Revoked 1 token." in output) == (0, True), output
    code, output = await runway("token", "list", database_url=url)
    assert "ops" not in output
    code, output = await runway("token", "list", "--revoked", database_url=url)
    assert "ops" in output


async def test_mistakes_are_named_with_the_command_s_own_options(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'runway.db'}"
    await upgrade_database_async(url)
    for args, says in [
        (["create", "--role", "admin"], "Give --business ID (repeatable) or --all-businesses"),
        (["create", "--role", "admin", "--business", "7"], "No business with id 7"),
        (["create", "--role", "boss", "--all"], "'boss' is not one of"),
        (["create", "--role", "viewer", "--business", "QmlsbDoy"], "runway business list"),
        (["revoke"], "Give the token (rwy_…) or --name NAME"),
    ]:
        code, output = await runway("token", *args, database_url=url)
        assert (code, says in output, "all_businesses" in output) == (2, True, False), output


def test_the_role_choices_are_the_roles_tokens_have() -> None:
    assert tuple(role.value for role in Role) == access_queries.ROLES
