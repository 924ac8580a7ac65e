"""Logging, configured once per process by the CLI (library code only asks for loggers)."""

import logging

from rich.logging import RichHandler


def configure_logging(level: str) -> None:
    """Human-readable logs on stderr at ``level``; idempotent, so tests and the CLI both may."""
    logging.basicConfig(
        level=level.upper(),
        format="%(name)s: %(message)s",
        handlers=[RichHandler(show_path=False, rich_tracebacks=False)],
        force=True,
    )
