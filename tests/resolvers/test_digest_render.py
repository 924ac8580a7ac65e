"""The digest as e-mail: built from the stored snapshot alone, and safe to open.

A generated company (small, seeded) is loaded through the real QBO mapper on SQLite and on
PostgreSQL, digested by the real orchestrator at the view tests' pinned ``NOW``, snapshotted as
the worker stores it (``schema.digest_snapshot``, tested in tests/schema/test_digest_snapshot.py),
then rendered.
"""

import copy
import importlib.util
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from resolvers.digest_render import digest_subject, render_digest
from resolvers.digest_render.chart import NEGATIVE, POSITIVE, TRACK, cash_chart
from resolvers.digest_render.formats import business_zone, local_time, long_date, reword_dates
from resolvers.rules.money import format_money
from tests.conftest import Database
from tests.resolvers.digest_company import QBO_APP_URL, load_business, snapshot_of
from tests.resolvers.email_html import (
    PHONE,
    bar_rows,
    browser,
    check_phone_layout,
    measure_in_browser,
)
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
    closings = [Decimal(week["closing"]) for week in snapshot["forecast"]]
    rows = bar_rows(html)
    assert len(rows) == len(closings) == 13
    for (title, cells), week, closing in zip(rows, snapshot["forecast"], closings, strict=True):
        monday = date.fromisoformat(week["weekStart"])
        assert title == f"Week of {long_date(monday)}: closing cash {format_money(closing, 'USD')}"
        assert sum(width for width, _, _ in cells) == 100, title
        (colour,) = {colour for _, colour, _ in cells if colour != TRACK}
        assert colour == (NEGATIVE if closing < 0 else POSITIVE), title
        assert sum(zero for _, _, zero in cells) == 1, "the zero line crosses every row"
    assert {NEGATIVE, POSITIVE} <= {c for _, cells in rows for _, c, _ in cells}
    # Longer bars for more cash: the widest row is the week with the most cash.
    widths = [sum(w for w, c, _ in cells if c != TRACK) for _, cells in rows]
    assert widths.index(max(widths)) == closings.index(max(closings, key=abs))
    # Exact money sits next to each bar, with separators.
    for closing in closings:
        assert format_money(closing, "USD") in html


async def test_the_html_needs_no_svg_and_reads_at_390_px(snapshot: dict[str, Any]) -> None:
    html = render_digest(snapshot).html
    assert "<svg" not in html.lower()
    check_phone_layout(html)
    # And the checked-in example, which has every section filled.
    check_phone_layout((ROOT / "docs" / "example-digest.html").read_text(encoding="utf-8"))


@pytest.mark.skipif(browser() is None, reason="no Chromium on this machine")
async def test_a_browser_shows_it_at_390_px_without_sideways_scrolling(
    snapshot: dict[str, Any], tmp_path: Path
) -> None:
    """The structural checks above, confirmed by a real layout engine when one is installed."""
    executable = browser()
    assert executable is not None
    measured = measure_in_browser(render_digest(snapshot).html, tmp_path, executable)
    assert measured["viewport"] <= PHONE and measured["texts"] > 100
    assert measured["content"] <= measured["viewport"], measured
    assert measured["smallest_font"] >= 12, measured


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
    zone = ZoneInfo(snapshot["timezone"])

    def words(value: str) -> str:  # what the rules say, with the e-mail's dates
        return " ".join(reword_dates(value, zone).split())

    flat = " ".join(text.split())
    for bill in snapshot["billsDueThisWeek"]:
        assert words(bill["label"]) in flat
        assert money(bill["amount"]) in text and bill["qboUrl"] in text
    for invoice in snapshot["overdueInvoices"]:
        assert words(invoice["label"]) in flat and money(invoice["amount"]) in text
    for action in snapshot["topActions"]:
        assert f"+{action['daysAdded']} days" in text
    for alert in snapshot["alerts"]:
        assert words(alert["message"]) in flat
    assert f"Hygiene score: {snapshot['hygiene']['score']}/100" in text
    synced = datetime(2026, 11, 20, 17, 0, tzinfo=UTC).astimezone(zone)
    assert f"last synced Fri 20 Nov 2026, {synced:%H:%M %Z}" in text
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


def test_the_chart_scales_bars_from_a_zero_line() -> None:
    mondays = [date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]

    def cells(*closings: str) -> list[list[tuple[int, str, bool, str | None]]]:
        chart = cash_chart(list(zip(mondays, map(Decimal, closings), strict=True)), "USD")
        return [[(c.width, c.colour, c.bar, c.zero_edge) for c in bar.cells] for bar in chart.bars]

    # From -30k to 120k: zero is a fifth of the way across; up grows right, down grows left.
    up, down, flat = cells("120000", "-30000", "0")
    assert up == [(20, TRACK, False, None), (80, POSITIVE, True, "left")]
    assert down == [(20, NEGATIVE, True, None), (80, TRACK, False, "left")]
    assert flat == [(20, TRACK, False, None), (1, POSITIVE, True, "left"), (79, TRACK, False, None)]
    # Every week below (or at) zero: the zero line is the right edge.
    deep, shallow, level = cells("-100", "-50", "0")
    assert deep == [(100, NEGATIVE, True, "right")]
    assert shallow == [(50, TRACK, False, None), (50, NEGATIVE, True, "right")]
    assert level == [(99, TRACK, False, None), (1, POSITIVE, True, "right")]
    # Every week at zero: a sliver each, on the zero line at the left.
    assert cells("0", "0", "0")[0] == [(1, POSITIVE, True, "left"), (99, TRACK, False, None)]
    chart = cash_chart([(mondays[0], Decimal("-5.5")), (mondays[1], Decimal(7))], "USD")
    assert chart.bars[0].title == "Week of Mon 16 Nov 2026: closing cash -$5.50"
    assert chart.description == (
        "Closing cash for each of the next 2 weeks; lowest -$5.50 in the week of Mon 16 Nov 2026."
    )


def test_times_are_on_the_business_clock() -> None:
    moment = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
    assert local_time(moment, business_zone("America/Los_Angeles")) == "Fri 20 Nov 2026, 09:00 PST"
    assert local_time(moment, business_zone("Europe/Paris")) == "Fri 20 Nov 2026, 18:00 CET"
    # Zones whose abbreviation is only an offset, and the next day across the date line.
    nepal, kiribati = business_zone("Asia/Kathmandu"), business_zone("Pacific/Kiritimati")
    assert local_time(moment, nepal) == "Fri 20 Nov 2026, 22:45 UTC+05:45"
    assert local_time(moment, kiribati) == "Sat 21 Nov 2026, 07:00 UTC+14:00"
    # No zone (a snapshot stored before it had one), or one this machine doesn't know: UTC.
    for unknown in (None, "", "Mars/Olympus_Mons", "America", "../etc/passwd"):
        assert local_time(moment, business_zone(unknown)) == "Fri 20 Nov 2026, 17:00 UTC", unknown


def test_iso_dates_in_the_rules_words_take_the_emails_format() -> None:
    paris = business_zone("Europe/Paris")
    assert reword_dates("Bill dated 2026-11-05 from Acme", paris) == (
        "Bill dated Thu 5 Nov 2026 from Acme"
    )
    assert reword_dates("Data last synced 2026-12-06 09:00 UTC, 30 hours ago", paris) == (
        "Data last synced Sun 6 Dec 2026, 10:00 CET, 30 hours ago"
    )
    # Not a date on its own, or not a date at all: left as it is.
    for kept in ("Bill INV-2026-11-05", "Bill 2026-11-05b", "due 2026-02-30", "2026-1-5"):
        assert reword_dates(kept, paris) == kept


async def test_the_email_writes_every_date_one_way(snapshot: dict[str, Any]) -> None:
    """Each day-and-month in either part has the weekday and year ("Mon 16 Nov 2026"), and no
    ISO date is left, in the HTML's text or the plain text. The subject (the HTML's <title>)
    keeps its short "week of 16 Nov": its rule is the subject's own (view.digest_subject)."""
    rendered = render_digest(snapshot)
    body = re.sub(r"<title>.*?</title>", "", rendered.html)
    shown = " ".join(re.sub(r"<[^>]+>", " ", body).split() + rendered.text.split())
    months = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
    days = re.findall(rf"(?:\b\w+ )?\b\d{{1,2}} (?:{months})\b(?: \d{{4}})?", shown)
    assert len(days) > 40  # the week, as-of, every chart row, due dates, the sync time, ...
    one_way = re.compile(rf"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{{1,2}} (?:{months}) \d{{4}}")
    assert [day for day in days if not one_way.fullmatch(day)] == []
    assert not re.search(r"\d{4}-\d{2}-\d{2}", shown)


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
