"""The one runway every view shows: one GraphQL interface, so its figures read alike everywhere.

``DecisionConsole`` and ``Digest`` implement it (the advisor overview reads it through
``Business.decisions``), with the figures of ``resolvers.rules.runway``: one computation, one
meaning for each name.
"""

from datetime import date
from decimal import Decimal
from typing import Any

import strawberry

from resolvers.rules.runway import RunwayFigures
from schema.enums import DigestStatus, StatusBasis

field = strawberry.field


@strawberry.interface(
    description="Cash, burn and when cash runs out: the same figures in every view. Two measures "
    "are kept apart: runwayWeeks (cash at the trailing burn) and cashZeroDate (the 13-week "
    "forecast); status is the worse of the two."
)
class CashRunway:
    cash: Decimal = field(
        description="Cash on hand: the balances of active bank accounts, to the cent."
    )
    weekly_net_burn: Decimal = field(
        description="Average weekly money out (bill payments, purchases) minus money in "
        "(customer payments) over the trailing 13 weeks, to the cent; zero or less: not burning."
    )
    runway_weeks: Decimal | None = field(
        description="Weeks the cash lasts at the trailing net burn: cash ÷ weeklyNetBurn, half "
        "up to 0.1; null when not burning."
    )
    not_burning: bool = field(description="Money in covers money out: runwayWeeks is null.")
    cash_zero_date: date | None = field(
        description="The first day the 13-week forecast expects cash below zero (the start of "
        "the first week that closes below zero, or asOf); null when it stays above zero."
    )
    covered_until: date | None = field(
        description="The last day cash is expected to cover: the earlier of asOf + "
        "floor(runwayWeeks x 7) days and the day before cashZeroDate; null when neither ends."
    )
    runway_status: DigestStatus = field(
        description="The runway's own status: CRITICAL under 4 weeks, WARNING under 13."
    )
    forecast_status: DigestStatus = field(
        description="The forecast's own status: weeks from asOf to cashZeroDate, same thresholds."
    )
    status: DigestStatus = field(
        description="The worse of runwayStatus and forecastStatus: what every view shows."
    )
    status_basis: StatusBasis = field(
        description="The measure behind status: of the worst ones, the one that ends first."
    )
    status_reason: str = field(description="One sentence naming the measure behind status.")


def runway_fields(runway: RunwayFigures) -> dict[str, Any]:
    """The interface's values from the rules' figures, for a type's constructor."""
    return {
        "cash": runway.cash,
        "weekly_net_burn": runway.weekly_net_burn,
        "runway_weeks": runway.runway_weeks,
        "not_burning": runway.runway_weeks is None,
        "cash_zero_date": runway.cash_zero_date,
        "covered_until": runway.covered_until,
        "runway_status": runway.runway_status,
        "forecast_status": runway.forecast_status,
        "status": runway.status,
        "status_basis": runway.status_basis,
        "status_reason": runway.status_reason,
    }
