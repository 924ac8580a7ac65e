"""Closing a written ``Book`` into QBO JSON: Ids, payments, balances, MetaData and bank cash.

Order matters here: bills and invoices are numbered first so payments can link to their Ids,
payments are rendered before the documents they pay so a paid bill's LastUpdatedTime is its
payment's, and bank cash is set last from the money that actually moved.
"""

import random
from datetime import date, timedelta

from sync.fakeqbo.book import Book, Party, Txn
from sync.fakeqbo.shapes import (
    JsonObject,
    Stamp,
    account_object,
    money,
    qbo_object,
    term_objects,
    usd,
)
from sync.mapping import ENTITY_ORDER

_BURN_WINDOW_DAYS = 91  # the digest's trailing 13 weeks


def _number(txns: list[Txn]) -> None:
    txns.sort(key=lambda txn: txn.day)  # stable: same-day objects keep their creation order
    for number, txn in enumerate(txns, start=1):
        txn.qbo_id = str(number)


def _render(rng: random.Random, as_of: date, txns: list[Txn]) -> list[JsonObject]:
    """QBO objects with CreateTime rising with Id, and LastUpdatedTime at the latest change."""
    rendered = []
    previous_day: date | None = None
    same_day = 0
    for txn in txns:
        same_day = same_day + 1 if txn.day == previous_day else 0
        previous_day = txn.day
        created: Stamp = (txn.day, 7 * 3600 + same_day * 137 + rng.randint(0, 120))
        for linked in txn.links:
            linked.touched.append((created[0], created[1] + 1))
        if rng.random() < 0.1:  # an occasional edit after entry, as bookkeepers do
            edit_day = min(as_of, txn.day + timedelta(days=rng.randint(0, 10)))
            txn.touched.append((edit_day, 20 * 3600 + rng.randint(0, 3000)))
        if txn.entity in ("Bill", "Invoice"):
            txn.body["Balance"] = money(txn.balance_cents)
        updated = max([created, *txn.touched])
        rendered.append(
            qbo_object(txn.qbo_id, min(3, len(txn.touched)), created, updated, txn.body)
        )
    return rendered


def _bill_payments(book: Book) -> list[Txn]:
    rng = book.rng
    payments = []
    for bill in book.bills:
        vendor = bill.party
        for day, cents in bill.payments:
            if vendor is None:
                raise ValueError("a bill without a vendor cannot be paid through a BillPayment")
            body: JsonObject = {"VendorRef": vendor.as_ref()}
            if rng.random() < 0.2:
                body["PayType"] = "CreditCard"
                body["CreditCardPayment"] = {"CCAccountRef": book.accounts["card"].as_ref()}
            else:
                body["PayType"] = "Check"
                body["CheckPayment"] = {
                    "BankAccountRef": book.banks[0].as_ref(),
                    "PrintStatus": "NotSet",
                }
            body["APAccountRef"] = book.accounts["ap"].as_ref()
            body["TxnDate"] = day.isoformat()
            body["TotalAmt"] = money(cents)
            body["CurrencyRef"] = usd()
            link = {"TxnId": bill.qbo_id, "TxnType": "Bill"}
            body["Line"] = [{"Amount": money(cents), "LinkedTxn": [link]}]
            payments.append(Txn("BillPayment", body, day, vendor, cents, links=[bill]))
    return payments


def _customer_payments(book: Book) -> list[Txn]:
    payments = []
    for invoice in book.invoices:
        customer = invoice.party
        for day, cents in invoice.payments:
            if customer is None:
                raise ValueError("an invoice always has a customer")
            body: JsonObject = {
                "CustomerRef": customer.as_ref(),
                "DepositToAccountRef": book.banks[0].as_ref(),
                "TxnDate": day.isoformat(),
                "TotalAmt": money(cents),
                "UnappliedAmt": money(0),
                "ProcessPayment": False,
                "CurrencyRef": usd(),
            }
            link = {"TxnId": invoice.qbo_id, "TxnType": "Invoice"}
            body["Line"] = [{"Amount": money(cents), "LinkedTxn": [link]}]
            payments.append(Txn("Payment", body, day, customer, cents, links=[invoice]))
    return payments


def _party_object(party: Party) -> JsonObject:
    body: JsonObject = {"DisplayName": party.name, "CompanyName": party.name}
    if party.entity == "Vendor":
        body["PrintOnCheckName"] = party.name
    else:
        body["FullyQualifiedName"] = party.name
    if party.email is not None:
        body["PrimaryEmailAddr"] = {"Address": party.email}
    if party.term is not None:
        body["TermRef" if party.entity == "Vendor" else "SalesTermRef"] = {"value": party.term.id}
    body["Balance"] = money(party.balance_cents)
    if party.entity == "Vendor":
        body["Vendor1099"] = False
    else:
        body["BalanceWithJobs"] = money(party.balance_cents)
        body["Job"] = False
    body["CurrencyRef"] = usd()
    body["Active"] = party.active
    return qbo_object(party.id, party.sync_token, party.created, party.updated, body)


def _bank_balances(book: Book, runway_tenths: int, idle_cash_cents: int) -> list[int]:
    """Cash that gives the company its intended runway against the burn it really has."""
    start = book.as_of - timedelta(days=_BURN_WINDOW_DAYS - 1)
    spent = sum(t.total_cents for t in (*book.bill_payments, *book.purchases) if t.day >= start)
    received = sum(t.total_cents for t in book.payments if t.day >= start)
    weekly_burn = (spent - received) * 7 // _BURN_WINDOW_DAYS
    cash = weekly_burn * runway_tenths // 10 if weekly_burn > 0 else idle_cash_cents
    balances = []
    rest = cash
    for _ in book.banks[1:]:
        part = min(rest, cash * book.rng.randint(2, 12) // 100)
        balances.append(part)
        rest -= part
    return [rest, *balances]


def render_books(
    book: Book, *, runway_tenths: int, idle_cash_cents: int, setup: Stamp
) -> tuple[dict[str, list[JsonObject]], list[tuple[str, str, str]]]:
    """Every entity list in ``ENTITY_ORDER`` (dependency) order, and the flaw marks as (code,
    entity, Id)."""
    rng, as_of = book.rng, book.as_of
    _number(book.bills)
    _number(book.invoices)
    for invoice in book.invoices:
        invoice.body["DocNumber"] = str(1000 + int(invoice.qbo_id))
    for invoice in book.invoices:
        if invoice.same_doc_as is not None:
            invoice.body["DocNumber"] = invoice.same_doc_as.body["DocNumber"]
    _number(book.purchases)
    book.bill_payments = _bill_payments(book)
    book.payments = _customer_payments(book)
    _number(book.bill_payments)
    _number(book.payments)
    entities: dict[str, list[JsonObject]] = {name: [] for name in ENTITY_ORDER}
    entities["BillPayment"] = _render(rng, as_of, book.bill_payments)
    entities["Payment"] = _render(rng, as_of, book.payments)
    entities["Bill"] = _render(rng, as_of, book.bills)
    entities["Invoice"] = _render(rng, as_of, book.invoices)
    entities["Purchase"] = _render(rng, as_of, book.purchases)

    for txn in (*book.bills, *book.invoices):
        if txn.party is not None:
            txn.party.balance_cents += txn.balance_cents
    entities["Vendor"] = [_party_object(vendor) for vendor in book.vendors]
    entities["Customer"] = [_party_object(customer) for customer in book.customers]

    balances = dict(
        zip(book.banks, _bank_balances(book, runway_tenths, idle_cash_cents), strict=True)
    )
    recent = as_of - timedelta(days=30)
    card_spend = [p for p in book.purchases if p.body["PaymentType"] == "CreditCard"]
    card_spend += [p for p in book.bill_payments if p.body["PayType"] == "CreditCard"]
    balances[book.accounts["card"]] = sum(t.total_cents for t in card_spend if t.day >= recent)
    balances[book.accounts["ap"]] = sum(bill.balance_cents for bill in book.bills)
    balances[book.accounts["ar"]] = sum(invoice.balance_cents for invoice in book.invoices)
    entities["Account"] = [
        account_object(account, balances.get(account, 0), setup) for account in book.account_list
    ]
    entities["Term"] = term_objects(setup)

    marks = [
        (code, thing.entity, thing.id if isinstance(thing, Party) else thing.qbo_id)
        for code, thing in book.marks
    ]
    return entities, marks
