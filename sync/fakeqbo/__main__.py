"""Serve generated companies as a fake QBO on a loopback port, for the demo and manual runs.

``python -m sync.fakeqbo --port 8765 --companies 5 --seed 7`` prints the client credentials and,
per realm, a ready access/refresh token pair, then serves until interrupted.
"""

import argparse
import sys
from collections.abc import Sequence
from datetime import date

import uvicorn

from sync.fakeqbo.generator import CompanySize, generate_companies
from sync.fakeqbo.server import FakeQbo, create_fake_qbo_app


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sync.fakeqbo", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--companies", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--size", choices=["small", "realistic"], default="realistic")
    parser.add_argument(
        "--as-of", type=date.fromisoformat, default=None, help="generation date (default: today)"
    )
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per API call")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = _arguments(argv)
    size = CompanySize.small() if args.size == "small" else CompanySize.realistic()
    companies = generate_companies(
        count=args.companies, seed=args.seed, as_of=args.as_of or date.today(), size=size
    )
    fake = FakeQbo(companies)
    base = f"http://{args.host}:{args.port}"
    lines = [
        f"fake QBO at {base} (token endpoint {base}/oauth2/v1/tokens/bearer)",
        f"client_id={fake.client_id} client_secret={fake.client_secret}",
    ]
    for company in companies:
        access, refresh = fake.grant_tokens(company.realm_id)
        lines.append(f"realm {company.realm_id} {company.name!r}")
        lines.append(f"  access_token={access}\n  refresh_token={refresh}")
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    uvicorn.run(create_fake_qbo_app(fake, latency=args.latency), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
