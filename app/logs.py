"""Logging, configured once per process (library code only asks for loggers).

Every record goes to stderr through a queue: the code that logs (often the event loop, in the
middle of a request) only puts the record on a bounded queue, and a listener thread writes it.
A slow or blocked stderr (a pipe nobody reads, a terminal under load) then costs the loop
nothing; when the queue is full, records are dropped and counted rather than waited for, and
the count is reported by the next record that gets through.

Libraries' chatter (httpx's "HTTP Request: …" line for every QBO call, the SQLite driver's
debug lines, Alembic's line per migration: the commands report what they did themselves) is held
at WARNING unless the level is DEBUG, which shows everything.
"""

import atexit
import logging
import queue
import sys
from logging.handlers import QueueHandler, QueueListener
from typing import TextIO

QUEUE_SIZE = 10_000
"""Records waiting for the writer thread before new ones are dropped."""

CHATTY_LIBRARIES = ("httpx", "httpcore", "aiosqlite", "asyncio", "hpack", "multipart", "alembic")
"""Loggers held at WARNING unless the level is DEBUG."""

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class DroppingQueueHandler(QueueHandler):
    """A ``QueueHandler`` that never waits: on a full queue the record is dropped and counted."""

    def __init__(self, records: "queue.Queue[logging.LogRecord]") -> None:
        super().__init__(records)
        self.records = records
        self.dropped = 0

    def enqueue(self, record: logging.LogRecord) -> None:
        if self.dropped and not self.records.full():
            # Say how many were lost before this one, once, as soon as there is room.
            lost, self.dropped = self.dropped, 0
            notice = logging.LogRecord(
                __name__, logging.WARNING, __file__, 0, "%d log records dropped", (lost,), None
            )
            self._put(self.prepare(notice))
        self._put(record)

    def _put(self, record: logging.LogRecord) -> None:
        try:
            self.records.put_nowait(record)
        except queue.Full:
            self.dropped += 1


class _Logging:
    """The one listener of this process (logging itself is process-wide state)."""

    listener: QueueListener | None = None


def configure_logging(level: str, *, stream: TextIO | None = None) -> None:
    """Send every record at ``level`` or above to ``stream`` (stderr) through the queue.

    Idempotent: configuring again replaces the previous handler and drains its queue first,
    so tests and the CLI both may.
    """
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise ValueError(f"unknown log level {level!r}")
    stop_logging()
    records: queue.Queue[logging.LogRecord] = queue.Queue(QUEUE_SIZE)
    writer = logging.StreamHandler(stream if stream is not None else sys.stderr)
    writer.setFormatter(logging.Formatter(LOG_FORMAT))
    listener = QueueListener(records, writer, respect_handler_level=False)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    # The queue's side keeps the message and traceback as they are; the writer's formatter
    # adds the time, level and logger name once, on its thread.
    root.addHandler(DroppingQueueHandler(records))
    root.setLevel(numeric)
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.NOTSET if numeric <= logging.DEBUG else "WARNING")
    listener.start()
    _Logging.listener = listener


def stop_logging() -> None:
    """Write out what is queued and stop the writer thread (at exit, or before reconfiguring)."""
    listener, _Logging.listener = _Logging.listener, None
    if listener is not None:
        listener.stop()
        root = logging.getLogger()
        for handler in list(root.handlers):
            if isinstance(handler, DroppingQueueHandler):
                root.removeHandler(handler)
        for name in CHATTY_LIBRARIES:
            logging.getLogger(name).setLevel(logging.NOTSET)


atexit.register(stop_logging)
