"""QBO JSON building blocks shared by the generator: money, references, Pacific timestamps, the
fixed term list and the chart of accounts.

Everything here is exact and clock-free: money is ``Decimal`` built from integer cents, and a
timestamp is a ``(day, second_of_day)`` pair rendered with the Pacific offset QBO sends.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

JsonObject = dict[str, Any]
Stamp = tuple[date, int]
"""A moment as (Pacific calendar day, seconds since local midnight)."""


def money(cents: int) -> Decimal:
    """Cents as a two-place ``Decimal``: QBO amounts never pass through a binary float."""
    return Decimal(cents).scaleb(-2)


def usd() -> JsonObject:
    """A fresh CurrencyRef, so no two objects share (and can mutate) one dict."""
    return {"value": "USD", "name": "United States Dollar"}


def ref(value: str, name: str) -> JsonObject:
    return {"value": value, "name": name}


@lru_cache(maxsize=64)
def _dst_window(year: int) -> tuple[date, date]:
    # US rule since 2007: second Sunday of March to first Sunday of November. Generated times
    # stay between 07:00 and 23:59, so the 02:00 switch never falls inside a generated day.
    march = date(year, 3, 8)
    november = date(year, 11, 1)
    return (
        march + timedelta(days=(6 - march.weekday()) % 7),
        november + timedelta(days=(6 - november.weekday()) % 7),
    )


def render_stamp(stamp: Stamp) -> str:
    """ISO 8601 with the Pacific offset of that day, e.g. ``2026-11-20T09:13:44-08:00``."""
    day, seconds = stamp
    start, end = _dst_window(day.year)
    offset = "-07:00" if start <= day < end else "-08:00"
    hours, rest = divmod(min(seconds, 86_399), 3600)
    return f"{day.isoformat()}T{hours:02d}:{rest // 60:02d}:{rest % 60:02d}{offset}"


def qbo_object(
    qbo_id: str, sync_token: int, created: Stamp, updated: Stamp, body: JsonObject
) -> JsonObject:
    """Wrap an entity body with the fields every QBO object carries, in QBO's usual key order."""
    return {
        "Id": qbo_id,
        "SyncToken": str(sync_token),
        "MetaData": {
            "CreateTime": render_stamp(created),
            "LastUpdatedTime": render_stamp(max(created, updated)),
        },
        **body,
        "domain": "QBO",
        "sparse": False,
    }


@dataclass(frozen=True)
class TermSpec:
    """A QBO standard term; ``due_days`` is what turns a TxnDate into a DueDate."""

    id: str
    name: str
    due_days: int
    discount_percent: int = 0
    discount_days: int = 0


TERMS: tuple[TermSpec, ...] = (
    TermSpec("1", "Due on receipt", 0),
    TermSpec("2", "Net 15", 15),
    TermSpec("3", "Net 30", 30),
    TermSpec("4", "Net 60", 60),
    TermSpec("5", "2% 10 Net 30", 30, discount_percent=2, discount_days=10),
)
DUE_ON_RECEIPT, NET_15, NET_30, NET_60, DISCOUNT_2_10_NET_30 = TERMS


def term_objects(created: Stamp) -> list[JsonObject]:
    objects = []
    for term in TERMS:
        body: JsonObject = {"Name": term.name, "Active": True, "Type": "STANDARD"}
        body["DueDays"] = term.due_days
        if term.discount_percent:
            body["DiscountPercent"] = money(term.discount_percent * 100)
            body["DiscountDays"] = term.discount_days
        objects.append(qbo_object(term.id, 0, created, created, body))
    return objects


@dataclass(frozen=True)
class AccountSpec:
    """One chart-of-accounts line; ``key`` is how the generator asks for it."""

    key: str
    name: str
    account_type: str
    sub_type: str

    @property
    def classification(self) -> str:
        return _CLASSIFICATIONS[self.account_type]


_CLASSIFICATIONS = {
    "Bank": "Asset",
    "Accounts Receivable": "Asset",
    "Accounts Payable": "Liability",
    "Credit Card": "Liability",
    "Income": "Revenue",
    "Cost of Goods Sold": "Expense",
    "Expense": "Expense",
}
_BANK_NAMES = (
    ("Business Checking", "Checking"),
    ("Business Savings", "Savings"),
    ("Payroll Checking", "Checking"),
    ("Money Market", "MoneyMarket"),
    ("Petty Cash", "CashOnHand"),
)
_FIXED_ACCOUNTS = (
    AccountSpec("ap", "Accounts Payable (A/P)", "Accounts Payable", "AccountsPayable"),
    AccountSpec("ar", "Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable"),
    AccountSpec("card", "Business Credit Card", "Credit Card", "CreditCard"),
    AccountSpec("services", "Services", "Income", "ServiceFeeIncome"),
    AccountSpec("sales", "Sales of Product Income", "Income", "SalesOfProductIncome"),
    AccountSpec("cogs", "Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs"),
    AccountSpec("advertising", "Advertising & Marketing", "Expense", "AdvertisingPromotional"),
    AccountSpec("insurance", "Insurance", "Expense", "Insurance"),
    AccountSpec("interest", "Interest Paid", "Expense", "InterestPaid"),
    AccountSpec(
        "professional", "Legal & Professional Services", "Expense", "LegalProfessionalFees"
    ),
    AccountSpec("meals", "Meals & Entertainment", "Expense", "EntertainmentMeals"),
    AccountSpec(
        "office", "Office Supplies & Software", "Expense", "OfficeGeneralAdministrativeExpenses"
    ),
    AccountSpec("payroll", "Payroll Expenses", "Expense", "PayrollExpenses"),
    AccountSpec("rent", "Rent & Lease", "Expense", "RentOrLeaseOfBuildings"),
    AccountSpec("repairs", "Repairs & Maintenance", "Expense", "RepairMaintenance"),
    AccountSpec("supplies", "Supplies & Materials", "Expense", "SuppliesMaterials"),
    AccountSpec("tax", "Taxes & Licenses", "Expense", "TaxesPaid"),
    AccountSpec("travel", "Travel", "Expense", "Travel"),
    AccountSpec("utilities", "Utilities", "Expense", "Utilities"),
    AccountSpec(
        "uncategorized", "Uncategorized Expense", "Expense", "OtherMiscellaneousServiceCost"
    ),
    AccountSpec("ama", "Ask My Accountant", "Expense", "OtherMiscellaneousServiceCost"),
)
UNCATEGORIZED_KEYS = ("uncategorized", "ama")
"""Accounts a hygiene rule treats as 'not categorised': ordinary lines never use them."""


@dataclass(frozen=True)
class Account:
    """An account as the generator refers to it: its Id and name travel into AccountRefs."""

    id: str
    spec: AccountSpec

    def as_ref(self) -> JsonObject:
        return ref(self.id, self.spec.name)


def chart_of_accounts(bank_accounts: int) -> list[Account]:
    """Bank accounts first (Ids 1..n), then the fixed chart, so Ids are stable per size."""
    specs = []
    for number in range(bank_accounts):
        name, sub_type = _BANK_NAMES[number % len(_BANK_NAMES)]
        if number >= len(_BANK_NAMES):
            name = f"{name} {number // len(_BANK_NAMES) + 1}"
        specs.append(AccountSpec(f"bank{number}", name, "Bank", sub_type))
    specs.extend(_FIXED_ACCOUNTS)
    return [Account(str(number), spec) for number, spec in enumerate(specs, start=1)]


def account_object(account: Account, balance_cents: int, created: Stamp) -> JsonObject:
    spec = account.spec
    body: JsonObject = {
        "Name": spec.name,
        "SubAccount": False,
        "FullyQualifiedName": spec.name,
        "Active": True,
        "Classification": spec.classification,
        "AccountType": spec.account_type,
        "AccountSubType": spec.sub_type,
        "CurrentBalance": money(balance_cents),
        "CurrentBalanceWithSubAccounts": money(balance_cents),
        "CurrencyRef": usd(),
    }
    return qbo_object(account.id, 0, created, created, body)


ITEMS: tuple[tuple[str, str], ...] = (
    ("1", "Services"),
    ("2", "Consulting"),
    ("3", "Design"),
    ("4", "Installation"),
    ("5", "Maintenance"),
    ("6", "Materials"),
    ("7", "Product"),
    ("8", "Hours"),
)
"""Item Ids referenced by invoice lines and item-based bill lines (Items are not mirrored)."""
