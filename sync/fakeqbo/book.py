"""A generated company's books while they are being written: parties, transactions and flaws.

Transactions get their Ids only in ``finish``, in TxnDate order, so Ids rise with creation time as
QBO's do and a flawed object cannot be told apart by its Id. Balances are derived from the
payments actually generated, so open and paid amounts always agree with BillPayment/Payment.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

from sync.fakeqbo.shapes import (
    ITEMS,
    NET_30,
    Account,
    JsonObject,
    Stamp,
    TermSpec,
    money,
    ref,
    usd,
)

_NO_TAX = {"value": "NON"}


@dataclass(eq=False)
class Party:
    """A vendor or customer; its Id is fixed at creation because name lists are not re-sorted."""

    entity: str
    id: str
    name: str
    category: str
    """Vendors: payroll, rent, tax, utilities, insurance, loan or supplier. Customers: customer."""
    active: bool
    email: str | None
    term: TermSpec | None
    typical_cents: int
    habit_days: int
    """Vendors: days after the due date we pay them. Customers: days late they pay us."""
    accounts: tuple[Account, ...]
    billable: bool
    """Whether ordinary transactions may name this party without tripping a hygiene rule."""
    weight: int
    """How often ordinary transactions pick this party, relative to the others."""
    created: Stamp
    updated: Stamp
    sync_token: int
    balance_cents: int = 0

    def as_ref(self) -> JsonObject:
        return ref(self.id, self.name)


@dataclass(eq=False)
class Txn:
    """A transaction before numbering; ``body`` already holds every QBO field but Id/MetaData."""

    entity: str
    body: JsonObject
    day: date
    party: Party | None
    total_cents: int
    payments: list[tuple[date, int]] = field(default_factory=list)
    links: list["Txn"] = field(default_factory=list)
    touched: list[Stamp] = field(default_factory=list)
    same_doc_as: "Txn | None" = None
    qbo_id: str = ""

    @property
    def balance_cents(self) -> int:
        return self.total_cents - sum(cents for _, cents in self.payments)


FlawMark = tuple[str, Party | Txn]


class Book:
    """Collects one company's parties and transactions, then numbers and renders them."""

    def __init__(self, *, rng: random.Random, as_of: date, accounts: list[Account]) -> None:
        self.rng = rng
        self.as_of = as_of
        self.accounts = {account.spec.key: account for account in accounts}
        self.account_list = accounts
        self.banks = [account for account in accounts if account.spec.account_type == "Bank"]
        self.vendors: list[Party] = []
        self.customers: list[Party] = []
        self.bills: list[Txn] = []
        self.invoices: list[Txn] = []
        self.purchases: list[Txn] = []
        self.bill_payments: list[Txn] = []
        self.payments: list[Txn] = []
        self.marks: list[FlawMark] = []
        self._totals: dict[str, set[int]] = {"Bill": set(), "Invoice": set()}
        self._doc_numbers: set[str] = set()

    def flag(self, code: str, *objects: Party | Txn) -> None:
        self.marks.extend((code, thing) for thing in objects)

    def billable(self, entity: str) -> list[Party]:
        parties = self.vendors if entity == "Vendor" else self.customers
        return [party for party in parties if party.billable]

    def fresh_total(self, entity: str, cents: int) -> int:
        """Reserve a total no other bill (or invoice) has, so no pair looks like a duplicate."""
        taken = self._totals[entity]
        cents = max(cents, 100)
        while cents in taken:
            cents += self.rng.randint(1, 97)
        taken.add(cents)
        return cents

    def amount_near(self, typical_cents: int) -> int:
        return max(1_000, typical_cents * self.rng.randint(55, 160) // 100)

    def vendor_doc(self) -> str:
        """A vendor's own invoice number, unique across the company's bills."""
        while True:
            # The range grows with use, so even a company of a million bills always finds one.
            top = 99_999 + 10 * len(self._doc_numbers)
            doc = f"{self.rng.choice(('INV-', '', 'A', 'No. '))}{self.rng.randint(1000, top)}"
            if doc not in self._doc_numbers:
                self._doc_numbers.add(doc)
                return doc

    def open_dates(self, term_days: int, due_offset: int) -> tuple[date, date]:
        """TxnDate and DueDate of an open document due ``due_offset`` days from today.

        The TxnDate never lies in the future: a bill due far ahead was entered recently with a
        longer due date, as bookkeepers do.
        """
        due = self.as_of + timedelta(days=due_offset)
        txn = min(due - timedelta(days=term_days), self.as_of - timedelta(self.rng.randint(0, 3)))
        return txn, due

    def expense_lines(
        self,
        total_cents: int,
        accounts: Sequence[Account],
        *,
        item_based: bool = False,
        count: int | None = None,
    ) -> list[JsonObject]:
        """Expense lines summing exactly to ``total_cents``, using ``accounts`` in turn."""
        rng = self.rng
        if count is None:
            count = 1 if total_cents < 500 else rng.choice((1, 1, 1, 2, 2, 3))
        cuts = sorted(rng.sample(range(1, total_cents), count - 1)) if count > 1 else []
        lines = []
        for number, (low, high) in enumerate(pairwise((0, *cuts, total_cents)), start=1):
            amount = money(high - low)
            line: JsonObject = {"Id": str(number), "LineNum": number, "Amount": amount}
            if item_based and number == 1:
                item_id, item_name = rng.choice(ITEMS[5:7])
                line["DetailType"] = "ItemBasedExpenseLineDetail"
                line["ItemBasedExpenseLineDetail"] = {
                    "ItemRef": ref(item_id, item_name),
                    "Qty": 1,
                    "UnitPrice": amount,
                    "BillableStatus": "NotBillable",
                    "TaxCodeRef": dict(_NO_TAX),
                }
            else:
                account = accounts[(number - 1) % len(accounts)]
                line["DetailType"] = "AccountBasedExpenseLineDetail"
                line["AccountBasedExpenseLineDetail"] = {
                    "AccountRef": account.as_ref(),
                    "BillableStatus": "NotBillable",
                    "TaxCodeRef": dict(_NO_TAX),
                }
            lines.append(line)
        return lines

    def add_bill(
        self,
        *,
        vendor: Party | None,
        txn: date,
        due: date | None,
        total_cents: int,
        doc: str | None = None,
        lines: list[JsonObject] | None = None,
    ) -> Txn:
        body: JsonObject = {}
        if vendor is not None:
            body["VendorRef"] = vendor.as_ref()
        if doc is not None:
            body["DocNumber"] = doc
        body["TxnDate"] = txn.isoformat()
        if due is not None:
            body["DueDate"] = due.isoformat()
            if vendor is not None and vendor.term is not None:
                body["SalesTermRef"] = {"value": vendor.term.id}
        body["APAccountRef"] = self.accounts["ap"].as_ref()
        body["TotalAmt"] = money(total_cents)
        body["Balance"] = money(total_cents)
        body["CurrencyRef"] = usd()
        if lines is None:
            accounts = vendor.accounts if vendor is not None else (self.accounts["office"],)
            item_based = accounts[0].spec.key == "cogs" and self.rng.random() < 0.5
            lines = self.expense_lines(total_cents, accounts, item_based=item_based)
        body["Line"] = lines
        bill = Txn("Bill", body, txn, vendor, total_cents)
        self.bills.append(bill)
        return bill

    def sales_lines(self, target_cents: int) -> tuple[list[JsonObject], int]:
        """Invoice lines near ``target_cents`` whose exact total no other invoice has."""
        rng = self.rng
        count = rng.choice((1, 1, 2, 2, 3, 4))
        share = max(2_000, target_cents // count)
        quantities = [rng.choice((1, 1, 1, 2, 3, 4, 5, 8, 10, 12, 20)) for _ in range(count)]
        units = [max(100, share * rng.randint(70, 130) // 100 // q) for q in quantities]
        items = [rng.choice(ITEMS) for _ in range(count)]
        total = sum(q * unit for q, unit in zip(quantities, units, strict=True))
        taken = self._totals["Invoice"]
        while total in taken:
            units[0] += 1
            total += quantities[0]
        taken.add(total)
        specs = zip(quantities, units, items, strict=True)
        return [self.sales_line(n, *spec) for n, spec in enumerate(specs, start=1)], total

    @staticmethod
    def sales_line(number: int, quantity: int, unit: int, item: tuple[str, str]) -> JsonObject:
        return {
            "Id": str(number),
            "LineNum": number,
            "Description": item[1],
            "Amount": money(quantity * unit),
            "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": {
                "ItemRef": ref(*item),
                "Qty": quantity,
                "UnitPrice": money(unit),
                "TaxCodeRef": dict(_NO_TAX),
            },
        }

    def add_invoice(
        self,
        *,
        customer: Party,
        txn: date,
        due: date | None,
        lines: list[JsonObject],
        total_cents: int,
        bill_email: str | None,
    ) -> Txn:
        # DocNumber is the invoice's place in TxnDate order, so it is filled in when numbering.
        body: JsonObject = {"CustomerRef": customer.as_ref(), "DocNumber": ""}
        body["TxnDate"] = txn.isoformat()
        if due is not None:
            body["DueDate"] = due.isoformat()
            body["SalesTermRef"] = {"value": (customer.term or NET_30).id}
        body["TotalAmt"] = money(total_cents)
        body["Balance"] = money(total_cents)
        body["CurrencyRef"] = usd()
        if bill_email is not None:
            body["BillEmail"] = {"Address": bill_email}
            body["EmailStatus"] = "EmailSent" if self.rng.random() < 0.85 else "NeedToSend"
        else:
            body["EmailStatus"] = "NotSet"
        body["PrintStatus"] = "NotSet"
        body["TxnTaxDetail"] = {"TotalTax": money(0)}
        subtotal = {
            "Amount": money(total_cents),
            "DetailType": "SubTotalLineDetail",
            "SubTotalLineDetail": {},
        }
        body["Line"] = [*lines, subtotal]
        invoice = Txn("Invoice", body, txn, customer, total_cents)
        self.invoices.append(invoice)
        return invoice

    def add_purchase(
        self, *, day: date, total_cents: int, payment_type: str, vendor: Party | None
    ) -> Txn:
        rng = self.rng
        account = self.accounts["card"] if payment_type == "CreditCard" else self.banks[0]
        body: JsonObject = {"AccountRef": account.as_ref(), "PaymentType": payment_type}
        if vendor is not None:
            body["EntityRef"] = {**vendor.as_ref(), "type": "Vendor"}
        body["Credit"] = False
        body["TxnDate"] = day.isoformat()
        body["TotalAmt"] = money(total_cents)
        body["CurrencyRef"] = usd()
        spend = ("office", "meals", "travel", "supplies", "repairs", "advertising")
        accounts = [self.accounts[key] for key in rng.sample(spend, 2)]
        body["Line"] = self.expense_lines(total_cents, accounts)
        purchase = Txn("Purchase", body, day, vendor, total_cents)
        self.purchases.append(purchase)
        return purchase
