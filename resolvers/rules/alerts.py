"""The digest's alerts: what the owner should know this week, each naming its cause."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date

from resolvers.rules.bills import BillAssessment
from resolvers.rules.enums import AlertCode, DigestStatus
from resolvers.rules.forecast import Forecast
from resolvers.rules.freshness import MirrorFreshness
from resolvers.rules.labels import plural
from resolvers.rules.money import ZERO, format_money
from resolvers.rules.runway import RunwayFigures
from resolvers.rules.status import forecast_status
from resolvers.thresholds import Thresholds

_CODE_ORDER = {code: index for index, code in enumerate(AlertCode)}


@dataclass(frozen=True)
class Alert:
    """Something the owner should know this week, and how serious it is."""

    code: AlertCode
    level: DigestStatus
    """WARNING or CRITICAL."""
    message: str


def digest_alerts(
    *,
    runway: RunwayFigures,
    forecast: Forecast,
    bills: Iterable[BillAssessment],
    freshness: MirrorFreshness,
    as_of: date,
    thresholds: Thresholds,
    currency: str = "USD",
) -> tuple[Alert, ...]:
    """Every alert of a digest: the books' and the mirror's freshness, CRITICAL first."""
    return merged(
        book_alerts(
            runway=runway,
            forecast=forecast,
            bills=bills,
            as_of=as_of,
            thresholds=thresholds,
            currency=currency,
        ),
        freshness_alerts(freshness),
    )


def merged(*groups: Iterable[Alert]) -> tuple[Alert, ...]:
    """Alerts of several sources in one order: CRITICAL first, then by code."""
    alerts = [alert for group in groups for alert in group]
    alerts.sort(key=lambda alert: (-alert.level.rank, _CODE_ORDER[alert.code]))
    return tuple(alerts)


def book_alerts(
    *,
    runway: RunwayFigures,
    forecast: Forecast,
    bills: Iterable[BillAssessment],
    as_of: date,
    thresholds: Thresholds,
    currency: str = "USD",
) -> tuple[Alert, ...]:
    """What the books say on ``as_of`` (stored with an assessment), each naming its cause.

    Args:
        bills: assessed open bills (overdue bills of critical vendors raise an alert).
    """
    alerts: list[Alert] = []
    if runway.cash < 0:
        alerts.append(
            Alert(
                AlertCode.NEGATIVE_CASH,
                DigestStatus.CRITICAL,
                f"Bank balances total {format_money(runway.cash, currency)}: "
                "accounts are overdrawn",
            )
        )
    zero_alert = _cash_zero_alert(forecast, as_of=as_of, thresholds=thresholds, currency=currency)
    if zero_alert is not None:
        alerts.append(zero_alert)
    if runway.burning and runway.runway_status is not DigestStatus.HEALTHY:
        alerts.append(
            Alert(
                AlertCode.LOW_RUNWAY,
                runway.runway_status,
                f"Runway is {runway.runway_weeks} weeks: "
                f"{format_money(runway.cash, currency)} in the bank against a net burn of "
                f"{format_money(runway.weekly_net_burn, currency)} a week",
            )
        )
    overdue = [b for b in bills if b.critical_vendor and b.days_until_due < 0]
    if overdue:
        overdue.sort(key=lambda b: (b.due_date, b.qbo_id))
        named = ", ".join(b.label for b in overdue[:3])
        more = f" and {len(overdue) - 3} more" if len(overdue) > 3 else ""
        total = sum((b.amount for b in overdue), ZERO)
        alerts.append(
            Alert(
                AlertCode.OVERDUE_CRITICAL_BILLS,
                DigestStatus.CRITICAL,
                f"{plural(len(overdue), 'bill')} from critical vendors "
                f"{'is' if len(overdue) == 1 else 'are'} overdue "
                f"({format_money(total, currency)}): {named}{more}",
            )
        )
    return merged(alerts)


def freshness_alerts(freshness: MirrorFreshness) -> tuple[Alert, ...]:
    """What the mirror's age says when the digest is read (never stored: the clock moves on)."""
    alerts: list[Alert] = []
    if freshness.last_synced_at is None:
        alerts.append(
            Alert(
                AlertCode.NEVER_SYNCED,
                DigestStatus.WARNING,
                "This business has never synced with QuickBooks: figures are empty or incomplete",
            )
        )
    elif freshness.stale and freshness.age is not None:
        hours = int(freshness.age.total_seconds() // 3600)
        synced = freshness.last_synced_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        alerts.append(
            Alert(
                AlertCode.STALE_MIRROR,
                DigestStatus.WARNING,
                f"Data last synced {synced}, {hours} hours ago: figures may be out of date",
            )
        )
    return tuple(alerts)


def _cash_zero_alert(
    forecast: Forecast, *, as_of: date, thresholds: Thresholds, currency: str
) -> Alert | None:
    """ "Cash runs out the week of …": what falls due by then against what comes in."""
    zero_week = forecast.cash_zero_week
    if zero_week is None or forecast.cash_zero_date is None:
        return None
    through = [week for week in forecast.weeks if week.week_start <= zero_week.week_start]
    bills = sum((week.bills for week in through), ZERO)
    spend = sum((week.baseline_spend for week in through), ZERO)
    collections = sum((week.collections for week in through), ZERO)
    outgoing = f"{format_money(bills, currency)} of bills"
    if spend > 0:
        outgoing += f" and {format_money(spend, currency)} of other spending"
    message = (
        f"Cash runs out the week of {zero_week.week_start}: {outgoing} fall due by "
        f"{zero_week.week_end}, against {format_money(forecast.weeks[0].opening, currency)} "
        f"in the bank and {format_money(collections, currency)} of expected collections"
    )
    # A cash-zero date beyond the warning horizon (a forecast longer than 13 weeks) still warns.
    level = forecast_status(forecast, as_of=as_of, thresholds=thresholds)
    if level is DigestStatus.HEALTHY:
        level = DigestStatus.WARNING
    return Alert(AlertCode.CASH_ZERO, level, message)
