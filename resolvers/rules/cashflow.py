"""Cash, weekly net burn, runway and customers' lateness: the digest's figures from history.

Window (interpretation): "the trailing 13 weeks" is the 91 days ending on ``as_of`` inclusive
(``as_of - 90 days`` through ``as_of``); transactions dated after ``as_of`` are not history yet.
Deleted rows and rows without a date are ignored.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domains.ap.models import BillPayment
from domains.ar.models import Invoice, Payment, PaymentLine
from domains.banking.models import Account, Purchase
from resolvers.rules.money import ZERO, cents, round_int
from resolvers.thresholds import Thresholds

BANK_ACCOUNT_TYPE = "Bank"
"""QBO's ``AccountType`` of checking, savings and money-market accounts."""


def cash_on_hand(accounts: Iterable[Account]) -> Decimal:
    """Sum of current balances of active, not deleted bank accounts (docs/design.md#the-rules
    "Cash")."""
    return sum(
        (
            account.current_balance or ZERO
            for account in accounts
            if account.account_type == BANK_ACCOUNT_TYPE
            and account.active
            and account.deleted_at is None
        ),
        ZERO,
    )


def _in_window(txn_date: date | None, as_of: date, thresholds: Thresholds) -> bool:
    if txn_date is None:
        return False
    first = as_of - timedelta(days=7 * thresholds.burn_window_weeks - 1)
    return first <= txn_date <= as_of


def _purchases_total(purchases: Iterable[Purchase], as_of: date, thresholds: Thresholds) -> Decimal:
    # A Purchase with ``credit`` set is a refund to the card or account: money back in.
    return sum(
        (
            -p.total_amt if p.credit else p.total_amt
            for p in purchases
            if p.deleted_at is None and _in_window(p.txn_date, as_of, thresholds)
        ),
        ZERO,
    )


def weekly_net_burn(
    *,
    bill_payments: Iterable[BillPayment],
    purchases: Iterable[Purchase],
    payments: Iterable[Payment],
    as_of: date,
    thresholds: Thresholds,
) -> Decimal:
    """(bill payments + purchases - customer payments) over the window / its weeks, to the cent.

    Negative means the business took in more than it spent: it is not burning.
    """
    out = sum(
        (
            bp.total_amt
            for bp in bill_payments
            if bp.deleted_at is None and _in_window(bp.txn_date, as_of, thresholds)
        ),
        ZERO,
    ) + _purchases_total(purchases, as_of, thresholds)
    received = sum(
        (
            p.total_amt
            for p in payments
            if p.deleted_at is None and _in_window(p.txn_date, as_of, thresholds)
        ),
        ZERO,
    )
    return cents((out - received) / thresholds.burn_window_weeks)


def baseline_weekly_spend(
    purchases: Iterable[Purchase], *, as_of: date, thresholds: Thresholds
) -> Decimal:
    """Average weekly purchases over the window, to the cent, never negative.

    The forecast's "baseline spend not seen in bills": card and cash spending that never goes
    through a bill, so it would otherwise be missing from the 13 weeks ahead.
    """
    total = _purchases_total(purchases, as_of, thresholds)
    return max(ZERO, cents(total / thresholds.burn_window_weeks))


@dataclass(frozen=True)
class Settlement:
    """One paid invoice and when a payment settled it: one data point of a customer's lateness."""

    customer_qbo_id: str
    invoice_qbo_id: str
    due_date: date
    paid_on: date


def customer_lateness_days(
    *,
    invoices: Iterable[Invoice],
    payments: Iterable[Payment],
    payment_lines: Iterable[PaymentLine],
) -> dict[str, int]:
    """Average days late per customer ``qbo_id``, from their paid invoices.

    An invoice counts when it is paid (balance 0, total > 0, not deleted), has a due date, and at
    least one dated, not deleted payment links to it (``PaymentLine.invoice_qbo_id``). Customers
    without such history are absent: the caller reads them as 0 days. The averaging is
    ``lateness_from_settlements``, which loaders that join these rows in SQL call directly.
    """
    payment_dates = {
        p.id: p.txn_date
        for p in payments
        if p.id is not None and p.deleted_at is None and p.txn_date is not None
    }
    paid_invoices = {
        invoice.qbo_id: invoice
        for invoice in invoices
        if invoice.deleted_at is None
        and invoice.balance == 0
        and invoice.total_amt > 0
        and invoice.due_date is not None
        and invoice.customer_qbo_id
    }
    settlements: list[Settlement] = []
    for line in payment_lines:
        invoice = paid_invoices.get(line.invoice_qbo_id or "")
        paid_on = payment_dates.get(line.payment_id)
        if invoice is None or paid_on is None:
            continue
        assert invoice.due_date is not None and invoice.customer_qbo_id
        settlements.append(
            Settlement(invoice.customer_qbo_id, invoice.qbo_id, invoice.due_date, paid_on)
        )
    return lateness_from_settlements(settlements)


def lateness_from_settlements(settlements: Iterable[Settlement]) -> dict[str, int]:
    """Average days late per customer; each invoice counts once, settled on its latest payment.

    Lateness is ``settled - due`` in days with early payment counted as 0 (a forecast should not
    bank on customers paying early); the mean per customer is rounded half up to whole days.
    """
    settled: dict[tuple[str, str], Settlement] = {}
    for item in settlements:
        key = (item.customer_qbo_id, item.invoice_qbo_id)
        seen = settled.get(key)
        if seen is None or item.paid_on > seen.paid_on:
            settled[key] = item
    late_days: dict[str, list[int]] = defaultdict(list)
    for item in settled.values():
        late_days[item.customer_qbo_id].append(max(0, (item.paid_on - item.due_date).days))
    return {
        customer: round_int(Decimal(sum(days)) / len(days)) for customer, days in late_days.items()
    }
