"""A business's cash position: balances, burn, runway and how late its customers pay.

Shared by the decision console (runway impact, size against cash) and the digest (runway,
forecast), computed once per business per request.
"""

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domains.banking.models import Account
from resolvers.loaders import Loaders
from resolvers.rules import cashflow
from resolvers.rules.cashflow import RunwayFigures, Settlement
from resolvers.thresholds import Thresholds

LATENESS_HISTORY_DAYS = 365
"""How far back customer payments count towards their lateness habit."""


@dataclass(frozen=True)
class CashPosition:
    """Everything about money in and out that more than one view needs."""

    accounts: list[Account]
    runway: RunwayFigures
    baseline_weekly_spend: Decimal
    lateness: dict[str, int]


def window_start(as_of: date, days: int) -> date:
    """The first of the month at least ``days`` before ``as_of``.

    Loaders fetch from there and the rules cut the exact window: businesses whose "today" differs
    by a timezone still share one statement.
    """
    earliest = as_of - timedelta(days=days)
    return earliest.replace(day=1)


async def cash_position(
    loaders: Loaders, business_id: int, *, as_of: date, thresholds: Thresholds
) -> CashPosition:
    """The cash position of ``business_id`` on ``as_of`` (memoised per request)."""
    return await loaders.memo(
        ("cash", business_id, as_of, thresholds),
        lambda: _cash_position(loaders, business_id, as_of=as_of, thresholds=thresholds),
    )


async def _cash_position(
    loaders: Loaders, business_id: int, *, as_of: date, thresholds: Thresholds
) -> CashPosition:
    burn_since = window_start(as_of, 7 * thresholds.burn_window_weeks)
    lateness_since = window_start(as_of, LATENESS_HISTORY_DAYS)
    accounts, bill_payments, purchases, payments, settled = await asyncio.gather(
        loaders.accounts.load(business_id),
        loaders.bill_payments_since(burn_since).load(business_id),
        loaders.purchases_since(burn_since).load(business_id),
        loaders.payments_since(burn_since).load(business_id),
        loaders.settlements_since(lateness_since).load(business_id),
    )
    burn = cashflow.weekly_net_burn(
        bill_payments=bill_payments,
        purchases=purchases,
        payments=payments,
        as_of=as_of,
        thresholds=thresholds,
    )
    runway = cashflow.runway_figures(
        cash=cashflow.cash_on_hand(accounts),
        weekly_net_burn=burn,
        as_of=as_of,
        thresholds=thresholds,
    )
    lateness = cashflow.lateness_from_settlements(
        Settlement(row.customer_qbo_id, row.invoice_qbo_id, row.due_date, row.paid_on)
        for row in settled
    )
    return CashPosition(
        accounts=accounts,
        runway=runway,
        baseline_weekly_spend=cashflow.baseline_weekly_spend(
            purchases, as_of=as_of, thresholds=thresholds
        ),
        lateness=lateness,
    )
