"""The digest as e-mail: built from the stored snapshot alone, and safe to open.

A generated company (small, seeded) is loaded through the real QBO mapper on SQLite and on
PostgreSQL, digested by the real orchestrator at the view tests' pinned ``NOW``, snapshotted as
the worker stores it (``schema.digest_snapshot``, tested in tests/schema/test_digest_snapshot.py),
then rendered.
"""

import copy
import importlib.util
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from resolvers.digest_render import digest_subject, render_digest
from resolvers.digest_render.chart import NEGATIVE, POSITIVE, cash_chart
from resolvers.digest_render.formats import compact_money, long_date, week_range
from resolvers.rules.money import format_money
from tests.conftest import Database
from tests.resolvers.digest_company import QBO_APP_URL, load_business, snapshot_of
from tests.schema import conftest as schema_fixtures
from tests.schema.conftest import LoadCompanies

# The loading fixture lives in tests/schema/conftest.py; named here, pytest finds it here too.
load_companies = schema_fixtures.load_companies

ROOT = Path(__file__).parents[2]
HOSTILE = '<script>alert("owned")</script> & Sons'


@pytest.fixture
async def snapshot(database: Database, load_companies: LoadCompanies) -> dict[str, Any]:
    return await snapshot_of(database, await load_business(database, load_companies))


async def test_the_html_draws_a_bar_per_week_red_below_zero(snapshot: dict[str, Any]) -> None:
    html = render_digest(snapshot).html
    (svg,) = re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)
    bars = re.findall(r'<rect\b[^>]*fill="(#[0-9a-f]{6})"', svg)
    closings = [Decimal(week["closing"]) for week in snapshot["forecast"]]
    assert len(bars) == len(closings) == 13
    assert bars == [NEGATIVE if closing < 0 else POSITIVE for closing in closings]
    assert NEGATIVE in bars and POSITIVE in bars  # the case goes below zero
    assert "$0</text>" in svg  # the zero line is labelled
    # Exact money is there for clients that drop SVG: every week's closing, with separators.
    for closing in closings:
        assert format_money(closing, "USD") in html


async def test_the_html_escapes_names_from_quickbooks(
    database: Database, load_companies: LoadCompanies
) -> None:
    business = await load_business(database, load_companies, name=HOSTILE)
    rendered = render_digest(await snapshot_of(database, business))
    assert "<script" not in rendered.html
    assert "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt; &amp; Sons" in rendered.html
    assert HOSTILE in rendered.text  # plain text is not HTML: printed as is
    assert rendered.subject.startswith(f"Runway · {HOSTILE} · week of 16 Nov: ")


async def test_the_html_loads_nothing_and_links_only_into_qbo(snapshot: dict[str, Any]) -> None:
    html = render_digest(snapshot).html
    for tag in ("<script", "<style", "<img", "<link", "<iframe", "<object", "url("):
        assert tag not in html.lower(), tag
    assert not re.search(r"\son\w+\s*=", html), "no event handlers"
    assert not re.search(r"\ssrc\s*=", html)
    urls = re.findall(r"https?://[^\s\"'<>]+", html)
    assert urls, "bills, invoices and actions link into QBO"
    assert all(url.startswith(f"{QBO_APP_URL}/app/") for url in urls), urls
    links = re.findall(r'href="([^"]*)"', html)
    assert links and all(link.startswith(QBO_APP_URL) for link in links)
    # Mail-client layout: one centred table at most 640 px wide, styles inline.
    assert 'style="width:100%;max-width:640px;' in html


def figure_behind_status(snapshot: dict[str, Any]) -> str:
    """What the subject and banner must say, read from the snapshot's own figures."""
    basis = snapshot["statusBasis"]
    if basis == "FORECAST":
        zero = date.fromisoformat(snapshot["cashZeroDate"])
        monday = zero - timedelta(days=zero.weekday())
        if monday <= date.fromisoformat(snapshot["weekStart"]):
            return "cash runs out this week"
        return f"cash runs out the week of {long_date(monday)}"
    if basis == "OVERDRAWN":
        return "bank accounts overdrawn"
    if basis == "NOT_BURNING":
        return "not burning cash"
    return f"{snapshot['runwayWeeks']} weeks of runway"


async def test_the_text_part_carries_the_key_figures(snapshot: dict[str, Any]) -> None:
    text = render_digest(snapshot).text

    def money(value: str) -> str:
        return format_money(Decimal(value), "USD")

    assert snapshot["businessName"] in text
    # The banner capitalises the figure ("CRITICAL: Cash runs out…"); the words are the same.
    assert f"{snapshot['status']}: {figure_behind_status(snapshot)}".casefold() in text.casefold()
    assert money(snapshot["cash"]) in text
    assert money(snapshot["weeklyNetBurn"]) in text
    for week in snapshot["forecast"]:
        assert money(week["closing"]) in text
    for bill in snapshot["billsDueThisWeek"]:
        assert bill["label"] in text and money(bill["amount"]) in text and bill["qboUrl"] in text
    for invoice in snapshot["overdueInvoices"]:
        assert invoice["label"] in text and money(invoice["amount"]) in text
    for action in snapshot["topActions"]:
        assert f"+{action['daysAdded']} days" in text
    for alert in snapshot["alerts"]:
        assert " ".join(alert["message"].split()) in " ".join(text.split())
    assert f"Hygiene score: {snapshot['hygiene']['score']}/100" in text
    assert "last synced Fri 20 Nov 2026, 17:00 UTC" in text
    assert "&amp;" not in text and "<" not in text


async def test_the_subject_names_business_week_status_and_runway(
    snapshot: dict[str, Any],
) -> None:
    rendered = render_digest(snapshot)
    assert rendered.subject == (
        f"Runway · {snapshot['businessName']} · week of 16 Nov: "
        f"{snapshot['status']}, {figure_behind_status(snapshot)}"
    )
    assert f"<title>{rendered.subject}</title>" in rendered.html


async def test_stale_data_and_not_burning_are_said_plainly(snapshot: dict[str, Any]) -> None:
    changed = copy.deepcopy(snapshot)
    changed["freshness"]["stale"] = True
    changed.update(
        runwayWeeks=None,
        notBurning=True,
        coveredUntil=None,
        topActions=[],
        statusBasis="NOT_BURNING",
    )
    rendered = render_digest(changed)
    assert rendered.subject.endswith(f"{snapshot['status']}, not burning cash")
    assert "Data may be out of date." in rendered.html
    assert "DATA MAY BE OUT OF DATE" in rendered.text
    assert "Not burning cash: runway needs no help this week." in rendered.html
    assert "Not burning" in rendered.text
    fresh = render_digest(snapshot)
    assert "out of date" not in fresh.html.lower() and "out of date" not in fresh.text.lower()
    changed["freshness"] = {"syncedAt": None, "stale": True}
    never = render_digest(changed)
    assert "<strong>Never synced.</strong> This business has not synced" in never.html
    assert "NEVER SYNCED. This business has not synced" in never.text


def test_subjects_fit_the_stored_column_and_stay_on_one_line() -> None:
    snapshot = {
        "businessName": "Bayside\r\nElectric " + "Very Long Name " * 20,
        "weekStart": "2026-11-23",
        "asOf": "2026-11-23",
        "cash": "6200.00",
        "weeklyNetBurn": "1000.00",
        "runwayWeeks": "6.2",
        "cashZeroDate": None,
        "coveredUntil": "2026-12-26",
        "runwayStatus": "WARNING",
        "forecastStatus": "HEALTHY",
        "status": "WARNING",
        "statusBasis": "RUNWAY",
        "statusReason": "WARNING: 6.2 weeks of runway",
    }
    subject = digest_subject(snapshot)
    assert "\n" not in subject and "\r" not in subject
    assert subject.startswith("Runway · Bayside Electric Very Long Name")
    assert "… · week of 23 Nov: WARNING, 6.2 weeks of runway" in subject
    assert len(subject) <= 255
    one_week = digest_subject({**snapshot, "businessName": "Bayside Electric", "runwayWeeks": "1"})
    assert one_week == "Runway · Bayside Electric · week of 23 Nov: WARNING, 1 week of runway"


def test_the_chart_scales_to_nice_steps_around_zero() -> None:
    mondays = [date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]
    chart = cash_chart(
        list(zip(mondays, map(Decimal, ["120000", "-30000", "0"]), strict=True)), "USD"
    )
    labels = [line.label for line in chart.gridlines]
    assert labels == ["-$50k", "$0", "$50k", "$100k", "$150k"]
    (zero,) = [line for line in chart.gridlines if line.zero]
    up, down, flat = chart.bars
    assert up.colour == POSITIVE and down.colour == NEGATIVE and flat.colour == POSITIVE
    assert Decimal(up.y) + Decimal(up.height) == Decimal(zero.y)  # rises from the zero line
    assert Decimal(down.y) == Decimal(zero.y)  # hangs below it
    assert flat.height == "1.0"  # a week at exactly zero still shows
    assert up.title == "Week of 16 Nov: closing cash $120,000.00"
    empty = cash_chart([(mondays[0], Decimal(0))], "USD")
    assert [line.label for line in empty.gridlines] == ["$0", "$1"]


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("950", "USD", "$950"),
        ("2500", "USD", "$2.5k"),
        ("-125000", "USD", "-$125k"),
        ("1200000", "GBP", "£1.2M"),
        ("3000", "CHF", "CHF 3k"),
    ],
)
def test_compact_money(amount: str, currency: str, expected: str) -> None:
    assert compact_money(Decimal(amount), currency) == expected


def test_week_ranges_across_months_and_years() -> None:
    assert week_range(date(2026, 11, 16), date(2026, 11, 22)) == "16\u201322 Nov 2026"
    assert week_range(date(2026, 11, 30), date(2026, 12, 6)) == "30 Nov \u2013 6 Dec 2026"
    assert week_range(date(2026, 12, 28), date(2027, 1, 3)) == "28 Dec 2026 \u2013 3 Jan 2027"


async def test_the_checked_in_example_is_up_to_date(tmp_path: Path) -> None:
    """docs/example-digest.html is what scripts/render_example_digest.py renders today."""
    path = ROOT / "scripts" / "render_example_digest.py"
    spec = importlib.util.spec_from_file_location("render_example_digest", path)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    rendered = await script.example_digest(tmp_path)
    checked_in = (ROOT / "docs" / "example-digest.html").read_text(encoding="utf-8")
    assert rendered.html == checked_in, "run: .venv/bin/python scripts/render_example_digest.py"
