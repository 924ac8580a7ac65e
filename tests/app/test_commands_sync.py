"""``runway sync`` and ``runway qbo connect`` as operators run them: a real process, RUNWAY_* env.

The fake QBO is served on a loopback socket by this test's event loop, so the CLI runs as an
asyncio subprocess (a blocking ``subprocess.run`` would stop the loop that serves the fake).
"""

import os
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from sync.oauth_state import verify_state
from tests.app.cli import run_runway
from tests.conftest import Database
from tests.sync.harness import SECRET_KEY, Bench, qbo_bench


def environment(bench: Bench) -> dict[str, str]:
    qbo = bench.settings.qbo
    return {
        **os.environ,
        "RUNWAY_DATABASE_URL": bench.database.url,
        "RUNWAY_SECRET_KEY": SECRET_KEY,
        "RUNWAY_QBO__CLIENT_ID": qbo.client_id,
        "RUNWAY_QBO__CLIENT_SECRET": qbo.client_secret.get_secret_value(),
        "RUNWAY_QBO__API_BASE_URL": qbo.api_base_url,
        "RUNWAY_QBO__TOKEN_URL": qbo.token_url,
        "COLUMNS": "200",
    }


@pytest.fixture
async def bench(database: Database) -> AsyncIterator[Bench]:
    async with qbo_bench(database, loopback=True) as bench:
        yield bench


async def test_sync_all_brings_every_connected_business_up_to_date(bench: Bench) -> None:
    await bench.connect_all()

    code, output = await run_runway("sync", "--all", env=environment(bench))

    assert code == 0, output
    for realm_id in bench.realms:
        await bench.assert_mirrors(realm_id)
        assert str(bench.business_ids[realm_id]) in output
    assert output.count("succeeded") == 2


async def test_sync_of_one_business_reports_its_failure_with_exit_code_1(bench: Bench) -> None:
    await bench.connect_all()
    broken = bench.realms[0]
    bench.fake.revoke_tokens(broken)
    bench.fake.expire_access_tokens(broken)

    code, output = await run_runway(
        "sync", "--business", str(bench.business_ids[broken]), "--full", env=environment(bench)
    )

    assert code == 1
    assert "invalid_grant" in output
    assert (await bench.business(broken)).connection_status == "needs_reconnect"
    assert bench.fake.stats[bench.realms[1]].requests["query"] == 0  # not asked for


def plain_environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    """RUNWAY_* for commands that never reach QBO or the database's contents."""
    return {
        **os.environ,
        "RUNWAY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'runway.db'}",
        "RUNWAY_SECRET_KEY": SECRET_KEY,
        "COLUMNS": "200",
        **variables,
    }


async def test_sync_needs_a_business_or_all(tmp_path: Path) -> None:
    code, output = await run_runway("sync", env=plain_environment(tmp_path))
    assert code == 2 and "--all" in output


async def test_qbo_connect_prints_an_authorize_url_with_a_signed_state(tmp_path: Path) -> None:
    env = plain_environment(tmp_path, RUNWAY_QBO__CLIENT_ID="app-123")

    code, output = await run_runway("qbo", "connect", env=env)

    assert code == 0, output
    url = output.strip().splitlines()[-1]
    assert url.startswith("https://appcenter.intuit.com/connect/oauth2?")
    query = parse_qs(urlsplit(url).query)
    assert query["client_id"] == ["app-123"]
    assert query["scope"] == ["com.intuit.quickbooks.accounting"]
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"] == ["http://127.0.0.1:8000/qbo/callback"]
    assert verify_state(SECRET_KEY, query["state"][0])


async def test_qbo_connect_without_a_client_id_names_the_variable(tmp_path: Path) -> None:
    code, output = await run_runway("qbo", "connect", env=plain_environment(tmp_path))
    assert code == 2 and "RUNWAY_QBO__CLIENT_ID" in output
