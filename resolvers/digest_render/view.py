"""What the digest's templates show, worded and formatted from a snapshot.

The templates only lay out; every decision about wording, colour and order is made here, in
typed Python, so the HTML and the text part can never disagree about a figure. A view is built
from the snapshot (JSON), not from the live ``Digest``, so a stored digest can be re-rendered
exactly as it was when the templates change.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any

from resolvers.digest_render.chart import CashChart, cash_chart
from resolvers.digest_render.formats import (
    DASH,
    business_zone,
    day_month,
    format_money,
    local_time,
    long_date,
    plural,
    reword_dates,
    to_date,
    to_datetime,
    to_decimal,
)
from resolvers.digest_render.lines import (
    ActionLine,
    ItemLine,
    WeekLine,
    action_line,
    bill_line,
    invoice_line,
    week_lines,
)
from resolvers.rules.enums import DigestStatus, StatusBasis
from resolvers.rules.runway import RunwayFigures, headline

SUBJECT_MAX = 255
"""``StoredDigest.subject`` holds at most this many characters."""
NAME_MAX = 80
"""A longer business name is cut (with "…") so the subject keeps its figures."""


@dataclass(frozen=True)
class Palette:
    """A status's colours: text, tinted background and the strong accent (banner edge, badge)."""

    text: str
    background: str
    accent: str


PALETTES = {
    "CRITICAL": Palette(text="#991b1b", background="#fef2f2", accent="#dc2626"),
    "WARNING": Palette(text="#92400e", background="#fffbeb", accent="#d97706"),
    "HEALTHY": Palette(text="#166534", background="#f0fdf4", accent="#16a34a"),
}
_STATUS_WORDS = {"CRITICAL": "Critical", "WARNING": "Warning", "HEALTHY": "Healthy"}
_AGING_WORDS = {
    "CURRENT": "Not yet due",
    "DAYS_1_30": f"1{DASH}30 days",
    "DAYS_31_60": f"31{DASH}60 days",
    "DAYS_61_90": f"61{DASH}90 days",
    "DAYS_90_PLUS": "Over 90 days",
}
_LONG_OVERDUE = frozenset({"DAYS_61_90", "DAYS_90_PLUS"})


@dataclass(frozen=True)
class AlertLine:
    level: str
    message: str
    palette: Palette


@dataclass(frozen=True)
class Amount:
    """A named figure: a bank account, an aging bucket, a tile in the cash row."""

    label: str
    value: str
    note: str = ""
    alarm: bool = False
    """Shown in red: money owed for more than 60 days."""


@dataclass(frozen=True)
class DigestView:
    """The digest as the templates show it; every string is ready to print."""

    subject: str
    preheader: str
    business_name: str
    week: str
    as_of: str
    status: str
    headline: str
    palette: Palette
    alerts: tuple[AlertLine, ...]
    tiles: tuple[Amount, ...]
    """Cash, burn and runway side by side, each with a line of context."""
    cash_zero: str | None
    bank_accounts: tuple[Amount, ...]
    chart: CashChart
    """The chart's caption; its bars are in ``weeks``, next to their figures."""
    weeks: tuple[WeekLine, ...]
    bills_summary: str
    bills: tuple[ItemLine, ...]
    invoices_summary: str
    aging: tuple[Amount, ...]
    invoices: tuple[ItemLine, ...]
    actions: tuple[ActionLine, ...]
    no_actions: str
    """Said instead of the actions when there are none."""
    hygiene_score: int
    hygiene_colour: str
    hygiene_summary: str
    decisions_summary: str
    freshness_warning: str | None
    """The stale banner's bold lead ("Data may be out of date."); ``None`` when fresh."""
    freshness: str
    recipients: tuple[str, ...]


def digest_view(snapshot: Mapping[str, Any]) -> DigestView:
    """The view of a snapshot made by ``digest_snapshot``."""
    currency = snapshot["currency"]

    def money(value: str) -> str:
        return format_money(to_decimal(value), currency)

    status = snapshot["status"]
    week_start, week_end = to_date(snapshot["weekStart"]), to_date(snapshot["weekEnd"])
    covered = snapshot["coveredUntil"]
    zero = snapshot["cashZeroDate"]
    payables, receivables = snapshot["payables"], snapshot["receivables"]
    forecast = snapshot["forecast"]
    headline = digest_headline(snapshot)
    cash = money(snapshot["cash"])
    net_burn = to_decimal(snapshot["weeklyNetBurn"])
    runway = "Not burning" if snapshot["notBurning"] else f"{snapshot['runwayWeeks']} weeks"
    as_of = to_date(snapshot["asOf"])
    if covered is None:
        covered_until = "Money in covers money out"
    elif to_date(covered) < as_of:
        covered_until = "Cash doesn't cover what is due"
    else:
        covered_until = f"Covered until {long_date(to_date(covered))}"
    accounts = len(snapshot["bankAccounts"])
    alerts = snapshot["alerts"]
    chart = cash_chart(
        [(to_date(w["weekStart"]), to_decimal(w["closing"])) for w in forecast], currency
    )
    # Snapshots stored before ``Digest.timezone`` existed have no zone: their times show in UTC.
    zone = business_zone(snapshot.get("timezone"))
    return DigestView(
        subject=digest_subject(snapshot),
        preheader=(
            f"{_STATUS_WORDS[status]}: {headline}, {cash} in the bank"
            + (f", {plural(len(alerts), 'alert')}" if alerts else "")
            + "."
        ),
        business_name=snapshot["businessName"],
        week=long_date(week_start),
        as_of=long_date(to_date(snapshot["asOf"])),
        status=status,
        headline=headline[:1].upper() + headline[1:],
        palette=PALETTES[status],
        alerts=tuple(
            AlertLine(a["level"], reword_dates(a["message"], zone), PALETTES[a["level"]])
            for a in snapshot["alerts"]
        ),
        tiles=(
            Amount("Cash in the bank", cash, f"In {plural(accounts, 'bank account')}"),
            # A negative burn is money coming in: said as such, not as "-$1,200.00 of burn".
            Amount("Weekly net burn", money(snapshot["weeklyNetBurn"]), "Average of 13 weeks")
            if net_burn > 0
            else Amount(
                "Weekly net inflow", format_money(-net_burn, currency), "Average of 13 weeks"
            ),
            Amount("Runway", runway, covered_until),
        ),
        cash_zero=_cash_zero_line(zero, week_end),
        bank_accounts=tuple(
            Amount(a["name"], money(a["balance"])) for a in snapshot["bankAccounts"]
        ),
        chart=chart,
        weeks=week_lines(forecast, chart.bars, currency),
        bills_summary=_count_line(
            payables["dueThisWeekCount"], "bill", money(payables["dueThisWeekAmount"]), "due"
        )
        + _overdue_clause(payables["overdueCount"], money(payables["overdueAmount"]), "bill"),
        bills=tuple(bill_line(bill, currency, zone) for bill in snapshot["billsDueThisWeek"]),
        invoices_summary=_count_line(
            receivables["overdueCount"], "invoice", money(receivables["overdueAmount"]), "overdue"
        )
        + f", of {money(receivables['openAmount'])} owed to you in all.",
        aging=tuple(
            Amount(
                _AGING_WORDS[a["bucket"]],
                money(a["amount"]),
                plural(a["count"], "invoice"),
                alarm=a["bucket"] in _LONG_OVERDUE and a["count"] > 0,
            )
            for a in receivables["aging"]
        ),
        invoices=tuple(
            invoice_line(invoice, currency, zone) for invoice in snapshot["overdueInvoices"]
        ),
        actions=tuple(action_line(action, zone) for action in snapshot["topActions"]),
        no_actions=(
            "Not burning cash: runway needs no help this week."
            if snapshot["notBurning"]
            else "Nothing to delay or collect that adds a day of runway."
        ),
        hygiene_score=snapshot["hygiene"]["score"],
        hygiene_colour=_score_colour(snapshot["hygiene"]["score"]),
        hygiene_summary=_hygiene_line(snapshot["hygiene"], currency),
        decisions_summary=_decisions_line(snapshot["decisions"], currency),
        freshness_warning=_freshness_warning(snapshot["freshness"]),
        freshness=_freshness_line(snapshot["freshness"], zone),
        recipients=tuple(snapshot["recipients"]),
    )


def digest_subject(snapshot: Mapping[str, Any]) -> str:
    """ "Runway · Bayside Electric · week of 23 Nov: WARNING, 6.2 weeks of runway"."""
    name = " ".join(str(snapshot["businessName"]).split())  # no line breaks in a header
    if len(name) > NAME_MAX:
        name = name[: NAME_MAX - 1].rstrip() + "…"
    week = day_month(to_date(snapshot["weekStart"]))
    subject = f"Runway · {name} · week of {week}: {snapshot['status']}, {digest_headline(snapshot)}"
    return subject[:SUBJECT_MAX]


def digest_headline(snapshot: Mapping[str, Any]) -> str:
    """The figure behind the status, worded as the live ``Digest.headline`` (``rules.runway``)
    with the e-mail's dates: the subject and the banner say the same as every view."""
    return headline(runway_of(snapshot), format_date=long_date)


def runway_of(snapshot: Mapping[str, Any]) -> RunwayFigures:
    """The runway figures a snapshot recorded (its ``CashRunway`` fields)."""

    def day(key: str) -> date | None:
        value = snapshot[key]
        return None if value is None else to_date(value)

    weeks = snapshot["runwayWeeks"]
    return RunwayFigures(
        as_of=to_date(snapshot["asOf"]),
        cash=to_decimal(snapshot["cash"]),
        weekly_net_burn=to_decimal(snapshot["weeklyNetBurn"]),
        runway_weeks=None if weeks is None else to_decimal(weeks),
        runway_status=DigestStatus(snapshot["runwayStatus"]),
        cash_zero_date=day("cashZeroDate"),
        forecast_status=DigestStatus(snapshot["forecastStatus"]),
        status=DigestStatus(snapshot["status"]),
        status_basis=StatusBasis(snapshot["statusBasis"]),
        covered_until=day("coveredUntil"),
        status_reason=snapshot["statusReason"],
    )


def _cash_zero_line(cash_zero_date: str | None, week_end: date) -> str | None:
    if cash_zero_date is None:
        return None
    day = to_date(cash_zero_date)
    if day <= week_end:
        return "The forecast goes below zero this week."
    return f"The forecast goes below zero in the week of {long_date(day)}."


def _count_line(count: int, noun: str, amount: str, state: str) -> str:
    if count == 0:
        return f"No {noun}s {state}"
    return f"{plural(count, noun)} {state}, {amount}"


def _overdue_clause(count: int, amount: str, noun: str) -> str:
    if count == 0:
        return f" this week; no {noun}s overdue."
    return f" this week; {plural(count, noun)} already overdue, {amount}."


def _hygiene_line(hygiene: Mapping[str, Any], currency: str) -> str:
    if hygiene["issueCount"] == 0:
        return "Nothing to fix in the books."
    parts = [
        f"{hygiene[key]} {word}"
        for key, word in (("highCount", "high"), ("mediumCount", "medium"), ("lowCount", "low"))
        if hygiene[key]
    ]
    at_stake = format_money(to_decimal(hygiene["amountAtStake"]), currency)
    return (
        f"{plural(hygiene['issueCount'], 'record')} to fix ({', '.join(parts)}), "
        f"{at_stake} at stake."
    )


def _freshness_warning(freshness: Mapping[str, Any]) -> str | None:
    if freshness["syncedAt"] is None:
        return "Never synced."
    return "Data may be out of date." if freshness["stale"] else None


def _freshness_line(freshness: Mapping[str, Any], zone: tzinfo) -> str:
    if freshness["syncedAt"] is None:
        return "This business has not synced with QuickBooks yet: figures are empty or incomplete."
    synced = local_time(to_datetime(freshness["syncedAt"]), zone)
    if freshness["stale"]:
        return f"QuickBooks last synced {synced}, more than a day before this digest."
    return f"Figures from QuickBooks, last synced {synced}."


def _score_colour(score: int) -> str:
    """Green from 80, amber from 50, red below: the status palette's accents."""
    if score >= 80:
        return PALETTES["HEALTHY"].accent
    if score >= 50:
        return PALETTES["WARNING"].accent
    return PALETTES["CRITICAL"].accent


def _decisions_line(decisions: Mapping[str, Any], currency: str) -> str:
    def money(key: str) -> str:
        return format_money(to_decimal(decisions[key]), currency)

    line = (
        f"Must pay: {decisions['mustPayCount']} ({money('mustPayAmount')}). "
        f"Can delay: {decisions['canDelayCount']} ({money('canDelayAmount')}). "
        f"To collect: {decisions['toCollectCount']} ({money('toCollectAmount')})."
    )
    if to_decimal(decisions["discountSavings"]) > 0:
        line += f" Discounts worth taking save {money('discountSavings')}."
    return line
