"""``python -m bench <name> [--size smoke|full] [--db sqlite|postgresql|both] [--rebuild]``."""

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bench.context import BenchContext, build_data
from bench.databases import CACHE_DIR, Kind, Workspace, postgres_available, postgres_server_url
from bench.machine import describe_machine
from bench.report import Table, emit
from bench.sizes import SIZES

logger = logging.getLogger("bench")

Benchmark = Callable[[BenchContext], Awaitable[list[Table]]]


def _benchmarks() -> dict[str, Benchmark]:
    from bench import digests, ingest, peers, statement_counts, story, views

    return {
        "data": build_data,
        "digest": digests.run,
        "views": views.run,
        "sync": ingest.run,
        "statements": statement_counts.run,
        "peers": peers.run,
        "story": story.run,
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("name", choices=[*_benchmarks(), "all"])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuild the cached fixture databases"
    )
    parser.add_argument(
        "--no-profile", action="store_true", help="skip the cProfile passes (faster)"
    )
    return parser


async def _main(args: argparse.Namespace) -> int:
    server = postgres_server_url()
    kinds: tuple[Kind, ...] = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    if "postgresql" in kinds and not await postgres_available(server):
        if args.db == "postgresql":
            logging.error("PostgreSQL is not reachable at %s", server)
            return 2
        logging.warning("PostgreSQL is not reachable at %s: SQLite only", server)
        kinds = ("sqlite",)
    workspace = Workspace(CACHE_DIR, server if "postgresql" in kinds else None, keep=True)
    context = BenchContext(
        workspace, SIZES[args.size], kinds, rebuild=args.rebuild, profile=not args.no_profile
    )
    benchmarks = _benchmarks()
    names = [n for n in benchmarks if n != "data"] if args.name == "all" else [args.name]
    emit(f"# bench {args.name} --size {args.size}: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n")
    emit(describe_machine(server if "postgresql" in kinds else None).render())
    try:
        for name in names:
            started = time.perf_counter()
            for table in await benchmarks[name](context):
                emit(table.render())
            logger.info("bench %s took %.0fs", name, time.perf_counter() - started)
    finally:
        await workspace.close()
    return 0


def main() -> None:
    args = _parser().parse_args()
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(name)s: %(message)s"
    )
    logging.getLogger("bench").setLevel(logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    sys.exit(asyncio.run(_main(args)))


if __name__ == "__main__":
    main()
