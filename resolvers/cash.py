"""A business's cash position: balances, burn, the 13-week forecast, runway and how late its
customers pay.

The one computation behind every view's runway, cash-zero date, covered-until and status
(``rules.runway``), computed once per business per request and shared by the console (runway
impact, size against cash, signals) and the digest.
"""

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domains.banking.models import Account
from resolvers.loaders import Loaders
from resolvers.rules import cashflow
from resolvers.rules.cashflow import Settlement
from resolvers.rules.forecast import Forecast, forecast_cash
from resolvers.rules.runway import RunwayFigures, runway_figures
from resolvers.thresholds import Thresholds

LATENESS_HISTORY_DAYS = 365
"""How far back customer payments count towards their lateness habit."""


@dataclass(frozen=True)
class CashPosition:
    """Everything about money in and out that more than one view needs."""

    accounts: list[Account]
    runway: RunwayFigures
    forecast: Forecast
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
    loaders: Loaders, business_id: int, *, as_of: date, thresholds: Thresholds, currency: str
) -> CashPosition:
    """The cash position of ``business_id`` on ``as_of`` (memoised per request)."""
    return await loaders.memo(
        ("cash", business_id, as_of, thresholds),
        lambda: _cash_position(
            loaders, business_id, as_of=as_of, thresholds=thresholds, currency=currency
        ),
    )


async def _cash_position(
    loaders: Loaders, business_id: int, *, as_of: date, thresholds: Thresholds, currency: str
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
    bills, invoices, decisions = await asyncio.gather(
        loaders.bills.load(business_id),
        loaders.invoices.load(business_id),
        loaders.bill_decisions.load(business_id),
    )
    lateness = cashflow.lateness_from_settlements(
        Settlement(row.customer_qbo_id, row.invoice_qbo_id, row.due_date, row.paid_on)
        for row in settled
    )
    cash = cashflow.cash_on_hand(accounts)
    baseline = cashflow.baseline_weekly_spend(purchases, as_of=as_of, thresholds=thresholds)
    outlook = forecast_cash(
        cash=cash,
        as_of=as_of,
        invoices=invoices,
        bills=bills,
        decisions=decisions,
        lateness=lateness,
        baseline_weekly_spend=baseline,
        thresholds=thresholds,
    )
    runway = runway_figures(
        cash=cash,
        weekly_net_burn=cashflow.weekly_net_burn(
            bill_payments=bill_payments,
            purchases=purchases,
            payments=payments,
            as_of=as_of,
            thresholds=thresholds,
        ),
        as_of=as_of,
        thresholds=thresholds,
        forecast=outlook,
        currency=currency,
    )
    return CashPosition(
        accounts=accounts,
        runway=runway,
        forecast=outlook,
        baseline_weekly_spend=baseline,
        lateness=lateness,
    )
