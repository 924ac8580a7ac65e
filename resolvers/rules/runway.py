"""The one answer to "when does cash run out": runway, cash-zero date, covered-until and status.

Every view (the console, the advisor overview, the digest and its e-mail) shows these figures
from this one computation, so they never disagree. Two measures remain, named apart:

- **Runway at the trailing burn** (``runway_weeks``): cash on hand ÷ the average weekly net burn
  of the last 13 weeks, half up to 0.1 week; ``None`` when not burning. It says how long today's
  cash lasts if the recent past repeats.
- **The forecast's cash-zero date** (``cash_zero_date``): the first day the 13-week forecast
  expects cash below zero, from the bills and invoices actually open (``rules.forecast``).

``covered_until`` is the earlier of the two ends: today plus the runway's whole days, and the day
before the cash-zero date, so it is never on or after the cash-zero date. ``status`` is the worse
of the two measures' statuses (CRITICAL under 4 weeks, WARNING under 13, ``rules.status``), and
the runway's status reads the *shown* (rounded) weeks, so a reader who divides the shown cash by
the shown burn lands on the same status. ``status_reason`` says which measure decided it.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from resolvers.rules.dates import add_days_capped, week_start
from resolvers.rules.enums import DigestStatus, StatusBasis
from resolvers.rules.forecast import Forecast
from resolvers.rules.money import ZERO, cents, format_money, tenths
from resolvers.rules.status import forecast_status, status_for_weeks, worse
from resolvers.thresholds import Thresholds


@dataclass(frozen=True)
class RunwayFigures:
    """Cash, net burn, runway, cash-zero date and status of one business on one day."""

    as_of: date
    cash: Decimal
    """Cash on hand, to the cent."""
    weekly_net_burn: Decimal
    """Positive: burning cash; zero or negative: not burning (cash-positive). To the cent."""
    runway_weeks: Decimal | None
    """``cash / weekly_net_burn`` half up to 0.1 week (0 when cash is below zero); ``None`` when
    not burning."""
    runway_status: DigestStatus
    """The runway's own status, from ``runway_weeks`` (overdrawn cash is CRITICAL)."""
    cash_zero_date: date | None
    """The forecast's first day below zero; ``None`` when it stays above zero (or no forecast)."""
    forecast_status: DigestStatus
    """The forecast's own status: weeks from ``as_of`` to ``cash_zero_date``."""
    status: DigestStatus
    """The worse of ``runway_status`` and ``forecast_status``: what every view shows."""
    status_basis: StatusBasis
    """The measure behind ``status``: of the worst ones, the one that ends first."""
    covered_until: date | None
    """The last day cash is expected to cover: the earlier of ``as_of`` + the runway's whole days
    and the day before ``cash_zero_date``; ``None`` when neither ends."""
    status_reason: str
    """One sentence naming the measure that decided ``status``."""

    @property
    def burning(self) -> bool:
        """Whether money out exceeds money in."""
        return self.weekly_net_burn > 0

    @property
    def runway_days(self) -> Decimal | None:
        """The shown runway in days (``runway_weeks * 7``); ``None`` when not burning."""
        return None if self.runway_weeks is None else self.runway_weeks * 7

    def days_of_burn(self, amount: Decimal) -> Decimal | None:
        """How many days of net burn ``amount`` pays for (0.1 day, half up); ``None``: not burning.

        What collecting an invoice adds: ``amount / average daily net burn``, daily burn being
        the weekly burn / 7.
        """
        if not self.burning:
            return None
        return tenths(amount * 7 / self.weekly_net_burn)

    def impact_days(self, amount: Decimal) -> Decimal | None:
        """The days of runway paying ``amount`` uses up: its days of net burn, at most the whole
        runway (a bill larger than the cash can't take more runway than there is).

        ``None`` when not burning: runway is unbounded and a payment doesn't shorten it.
        """
        days = self.days_of_burn(amount)
        if days is None or self.runway_days is None:
            return days
        return min(days, self.runway_days)


def runway_figures(
    *,
    cash: Decimal,
    weekly_net_burn: Decimal,
    as_of: date,
    thresholds: Thresholds,
    forecast: Forecast | None = None,
    currency: str = "USD",
) -> RunwayFigures:
    """The figures of one business on ``as_of`` (see the module docstring for the model).

    Args:
        forecast: the 13-week forecast (``forecast.forecast_cash``) whose cash-zero date joins the
            runway; ``None`` leaves it out (the rules' unit tests of bills and invoices).
        currency: for amounts in ``status_reason``.
    """
    cash, weekly_net_burn = cents(cash), cents(weekly_net_burn)
    weeks: Decimal | None = None
    burn_until: date | None = None
    if weekly_net_burn > 0:
        weeks = tenths(max(ZERO, cash) / weekly_net_burn)
        burn_until = add_days_capped(as_of, int(weeks * 7))
        own = status_for_weeks(weeks, thresholds)
    else:
        own = DigestStatus.CRITICAL if cash < 0 else DigestStatus.HEALTHY
    zero = forecast.cash_zero_date if forecast is not None else None
    from_forecast = (
        forecast_status(forecast, as_of=as_of, thresholds=thresholds)
        if forecast is not None
        else DigestStatus.HEALTHY
    )
    ends = [day for day in (burn_until, zero - timedelta(days=1) if zero else None) if day]
    if zero is not None and (
        from_forecast.rank > own.rank
        or (from_forecast.rank == own.rank and (burn_until is None or zero <= burn_until))
    ):
        basis = StatusBasis.FORECAST
    elif cash < 0:
        basis = StatusBasis.OVERDRAWN
    elif weeks is None:
        basis = StatusBasis.NOT_BURNING
    else:
        basis = StatusBasis.RUNWAY
    figures = RunwayFigures(
        as_of=as_of,
        cash=cash,
        weekly_net_burn=weekly_net_burn,
        runway_weeks=weeks,
        runway_status=own,
        cash_zero_date=zero,
        forecast_status=from_forecast,
        status=worse(own, from_forecast),
        status_basis=basis,
        covered_until=min(ends) if ends else None,
        status_reason="",
    )
    return replace(figures, status_reason=status_reason(figures, currency))


def headline(figures: RunwayFigures, format_date: Callable[[date], str] = date.isoformat) -> str:
    """The figure behind the status, short enough for an e-mail subject: "6.2 weeks of runway",
    "cash runs out the week of 2026-11-30", "bank accounts overdrawn", "not burning cash".

    Args:
        format_date: how the reader's dates look (the e-mail has its own format).
    """
    if figures.status_basis is StatusBasis.FORECAST:
        return f"cash runs out {_zero_week(figures, format_date)}"
    if figures.status_basis is StatusBasis.OVERDRAWN:
        return "bank accounts overdrawn"
    if figures.status_basis is StatusBasis.NOT_BURNING:
        return "not burning cash"
    noun = "week" if figures.runway_weeks == 1 else "weeks"
    return f"{figures.runway_weeks} {noun} of runway"


def status_reason(figures: RunwayFigures, currency: str = "USD") -> str:
    """One sentence with the status and the measure that decided it, in figures."""
    status = figures.status.value
    if figures.status_basis is StatusBasis.FORECAST:
        return (
            f"{status}: the forecast goes below zero {headline(figures)[len('cash runs out ') :]}"
        )
    if figures.status_basis is StatusBasis.OVERDRAWN:
        return f"{status}: bank balances total {format_money(figures.cash, currency)}"
    if figures.status_basis is StatusBasis.NOT_BURNING:
        return f"{status}: not burning cash (money in covers money out)"
    return (
        f"{status}: {figures.runway_weeks} weeks of runway at the trailing net burn "
        f"({format_money(figures.cash, currency)} ÷ "
        f"{format_money(figures.weekly_net_burn, currency)} a week)"
    )


def _zero_week(figures: RunwayFigures, format_date: Callable[[date], str]) -> str:
    """ "this week", or "the week of <Monday>" of the cash-zero date."""
    zero = figures.cash_zero_date or figures.as_of
    if week_start(zero) <= week_start(figures.as_of):
        return "this week"
    return f"the week of {format_date(week_start(zero))}"
