"""Row factories for the rules' unit tests: valid rows in memory, no database.

Every factory takes keyword overrides for any column. ``AS_OF`` is a Monday, so week arithmetic in
tests reads plainly (week 1 is AS_OF..AS_OF + 6).
"""

import dataclasses
import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from domains.ap.models import Bill, BillLine, BillPayment, Vendor
from domains.ar.models import Customer, Invoice, Payment, PaymentLine
from domains.banking.models import Account, Purchase
from domains.core.models import Term
from domains.decisions.models import BillDecision
from resolvers.rules.forecast import Forecast, ForecastWeek
from resolvers.rules.runway import RunwayFigures, runway_figures
from resolvers.thresholds import Thresholds

AS_OF = date(2026, 12, 7)  # a Monday
UPDATED = datetime(2026, 12, 1, tzinfo=UTC)
DEFAULTS = Thresholds()

_ids = itertools.count(1)


def days(n: int) -> date:
    """AS_OF shifted by ``n`` days."""
    return AS_OF + timedelta(days=n)


def money(value: str | int) -> Decimal:
    return Decimal(str(value))


def _mirror(values: dict[str, Any]) -> dict[str, Any]:
    number = next(_ids)
    values.setdefault("id", number)
    values.setdefault("business_id", 1)
    values.setdefault("qbo_id", str(values["id"]))
    values.setdefault("qbo_updated_at", UPDATED)
    return values


def vendor(**overrides: Any) -> Vendor:
    values = _mirror(overrides)
    values.setdefault("display_name", "Acme Supply")
    values.setdefault("term_qbo_id", "T30")
    values.setdefault("email", "ap@acme.example")
    return Vendor(**values)


def customer(**overrides: Any) -> Customer:
    values = _mirror(overrides)
    values.setdefault("display_name", "Blue Cafe")
    values.setdefault("email", "owner@bluecafe.example")
    return Customer(**values)


def term(**overrides: Any) -> Term:
    values = _mirror(overrides)
    values.setdefault("name", "Net 30")
    values.setdefault("due_days", 30)
    return Term(**values)


def bill(**overrides: Any) -> Bill:
    values = _mirror(overrides)
    values.setdefault("vendor_qbo_id", "V1")
    values.setdefault("vendor_name", "Acme Supply")
    values.setdefault("doc_number", f"B-{values['id']}")
    values.setdefault("txn_date", days(-10))
    values.setdefault("due_date", days(20))
    # Distinct totals by default, so unrelated test bills never look like duplicates; bounded
    # (ids grow across the whole session), so a default bill is never large against test cash.
    values.setdefault("total_amt", money(f"{100 + values['id'] % 1000}.00"))
    values.setdefault("balance", values["total_amt"])
    return Bill(**values)


def bill_line(bill_row: Bill, **overrides: Any) -> BillLine:
    values: dict[str, Any] = {"id": next(_ids), "bill_id": bill_row.id, "business_id": 1}
    values.update(overrides)
    values.setdefault("detail_type", "AccountBasedExpenseLineDetail")
    values.setdefault("amount", money("100.00"))
    values.setdefault("account_qbo_id", "A7")
    values.setdefault("account_name", "Office Supplies")
    return BillLine(**values)


def invoice(**overrides: Any) -> Invoice:
    values = _mirror(overrides)
    values.setdefault("customer_qbo_id", "C1")
    values.setdefault("customer_name", "Blue Cafe")
    values.setdefault("doc_number", f"{1000 + values['id']}")
    values.setdefault("txn_date", days(-20))
    values.setdefault("due_date", days(10))
    values.setdefault("total_amt", money(f"{500 + values['id'] % 1000}.00"))
    values.setdefault("balance", values["total_amt"])
    return Invoice(**values)


def payment(**overrides: Any) -> Payment:
    values = _mirror(overrides)
    values.setdefault("customer_qbo_id", "C1")
    values.setdefault("txn_date", days(-5))
    values.setdefault("total_amt", money("100.00"))
    return Payment(**values)


def payment_line(payment_row: Payment, invoice_row: Invoice, **overrides: Any) -> PaymentLine:
    values: dict[str, Any] = {
        "id": next(_ids),
        "payment_id": payment_row.id,
        "business_id": 1,
        "invoice_qbo_id": invoice_row.qbo_id,
        "amount": invoice_row.total_amt,
    }
    values.update(overrides)
    return PaymentLine(**values)


def bill_payment(**overrides: Any) -> BillPayment:
    values = _mirror(overrides)
    values.setdefault("txn_date", days(-5))
    values.setdefault("total_amt", money("100.00"))
    return BillPayment(**values)


def purchase(**overrides: Any) -> Purchase:
    values = _mirror(overrides)
    values.setdefault("txn_date", days(-5))
    values.setdefault("total_amt", money("100.00"))
    return Purchase(**values)


def account(**overrides: Any) -> Account:
    values = _mirror(overrides)
    values.setdefault("name", "Checking")
    values.setdefault("account_type", "Bank")
    values.setdefault("current_balance", money("1000.00"))
    return Account(**values)


def decision(bill_row: Bill, action: str, decided_for: date, **overrides: Any) -> BillDecision:
    values: dict[str, Any] = {
        "id": next(_ids),
        "business_id": 1,
        "bill_id": bill_row.id,
        "action": action,
        "decided_for": decided_for,
        "decided_by": "owner@example.com",
        "decided_at": UPDATED,
    }
    values.update(overrides)
    return BillDecision(**values)


def runway(cash: str = "100000.00", burn: str = "1000.00") -> RunwayFigures:
    """Runway figures built by the rule itself (its own tests pin it down by hand)."""
    return runway_figures(
        cash=money(cash), weekly_net_burn=money(burn), as_of=AS_OF, thresholds=DEFAULTS
    )


def assert_no_float(value: object, path: str = "result") -> None:
    """Fail if a float hides anywhere in a result (dataclasses, tuples, lists, dicts)."""
    assert not isinstance(value, float), f"{path} is a float: {value!r}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            assert_no_float(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            assert_no_float(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            assert_no_float(key, f"{path} key")
            assert_no_float(item, f"{path}[{key!r}]")


NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def flat_forecast(cash: str, zero_week: int | None = None) -> Forecast:
    """13 weeks of nothing happening, optionally going below zero from ``zero_week`` on."""
    weeks = []
    for index in range(13):
        start = AS_OF + timedelta(weeks=index)
        closing = money("-1") if zero_week is not None and index >= zero_week else money(cash)
        weeks.append(
            ForecastWeek(
                start, start + timedelta(days=6), money(cash), money(0), money(0), money(0), closing
            )
        )
    zero = None if zero_week is None else AS_OF + timedelta(weeks=zero_week)
    return Forecast(tuple(weeks), zero)
