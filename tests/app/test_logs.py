"""Logging: one queue to stderr, quiet libraries, and a hostile request that can't flood it."""

import asyncio
import io
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from app.asgi import create_app
from app.job_options import AssessmentJobOptions
from app.logs import DroppingQueueHandler, configure_logging, stop_logging
from app.settings import Settings
from tests.conftest import Database

BODY_LIMIT = 1_048_576


class LogFile:
    """Where the log went; read it after ``stop_logging()`` has drained the queue."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def size(self) -> int:
        return self.path.stat().st_size


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[LogFile]:
    """Logging configured as ``runway serve`` does, at INFO, into a file instead of stderr."""
    path = tmp_path / "runway.log"
    with path.open("w", encoding="utf-8") as stream:
        configure_logging("INFO", stream=stream)
        try:
            yield LogFile(path)
        finally:
            stop_logging()


@pytest.fixture
async def client(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        database_url=database.url,
        max_body_bytes=BODY_LIMIT,
        assessments=AssessmentJobOptions(in_server=False),
        _env_file=None,  # type: ignore[call-arg]
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://runway.test") as http:
            yield http


def amplifying_body(size: int) -> bytes:
    """Issue 14's request: ~300 repeated fields around a long string literal, on one line,
    unauthenticated, padded to exactly ``size`` bytes of JSON."""
    fields = " viewer { name }" * 300
    head, tail = '{"query": "query Q($s: String = \\"', '\\") {' + fields + ' }"}'
    return (head + "x" * (size - len(head) - len(tail)) + tail).encode()


async def test_a_hostile_request_at_the_body_limit_barely_grows_the_log(
    client: httpx.AsyncClient, log_file: LogFile
) -> None:
    body = amplifying_body(BODY_LIMIT)
    assert len(body) == BODY_LIMIT
    order: list[str] = []

    async def hostile() -> httpx.Response:
        response = await client.post(
            "/graphql", content=body, headers={"Content-Type": "application/json"}
        )
        order.append("hostile")
        return response

    async def health() -> httpx.Response:
        response = await client.get("/healthz")
        order.append("healthz")
        return response

    refused, healthy = await asyncio.gather(hostile(), health())
    assert healthy.status_code == 200
    assert sorted(order) == ["healthz", "hostile"]
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "characters long" in error["message"]
    stop_logging()  # drains the queue into the file
    assert log_file.size() < 64 * 1024


async def test_an_expected_error_is_not_logged_as_an_error(
    client: httpx.AsyncClient, log_file: LogFile
) -> None:
    body = (await client.post("/graphql", json={"query": "{ viewer { name } }"})).json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    stop_logging()
    assert "ERROR" not in log_file.text()


def test_logs_go_through_the_queue_and_libraries_stay_quiet() -> None:
    stream = io.StringIO()
    configure_logging("info", stream=stream)
    try:
        logging.getLogger("app.example").info("kept")
        logging.getLogger("httpx").info("HTTP Request: GET https://quickbooks.example")
        logging.getLogger("httpx").warning("httpx trouble")
        logging.getLogger("alembic.runtime.migration").info("Running upgrade 0001 -> 0002")
        [handler] = logging.getLogger().handlers
        assert isinstance(handler, DroppingQueueHandler)
    finally:
        stop_logging()
    lines = stream.getvalue().splitlines()
    assert [line.split(" ", 3)[-1] for line in lines] == [
        "app.example: kept",
        "httpx: httpx trouble",
    ]
    assert [line.split(" ")[2] for line in lines] == ["INFO", "WARNING"]


def test_debug_shows_library_chatter() -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", stream=stream)
    try:
        logging.getLogger("httpx").info("HTTP Request: GET https://quickbooks.example")
    finally:
        stop_logging()
    assert "httpx: HTTP Request" in stream.getvalue()


def test_a_full_queue_drops_records_and_says_how_many() -> None:
    import queue

    records: queue.Queue[logging.LogRecord] = queue.Queue(2)
    handler = DroppingQueueHandler(records)
    logger = logging.getLogger("tests.dropping")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        for number in range(5):
            logger.warning("record %d", number)
        assert handler.dropped == 3
        records.get_nowait()
        records.get_nowait()
        logger.warning("after")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert [records.get_nowait().getMessage() for _ in range(2)] == [
        "3 log records dropped",
        "after",
    ]
    assert handler.dropped == 0


def test_an_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown log level"):
        configure_logging("LOUD")
