"""The hygiene flaws (docs/design.md#the-rules) a generated company carries, at documented rates.

Counting rule, per code and per entity the code applies to: ``max(1, round_half_up(rate * n))``
objects, where ``n`` is that entity's count in ``CompanySize``; for the paired codes
(POSSIBLE_DUPLICATE, DUPLICATE_NAME) ``2 * max(1, round_half_up(rate * n / 2))``, both members of
each pair being flagged. NO_CONTACT_EMAIL counts customers, and flags each with its one open
invoice that has no BillEmail. Only companies too small to hold them (fewer objects than flaws)
get fewer, in the order of ``FLAW_RATES``; ``CompanySize.small()`` and larger never do.

Every flawed bill and invoice is open except the ZERO_AMOUNT ones (a zero total has nothing to
owe), so a rule scoped to open documents and one scoped to all documents both see them, and each
trips only the rule it was made for.

The rates above are the default, every company alike (tests count against them). ``draw_rates``
gives a company rates of its own instead (from none of a code to about twice the default), which
the demo asks for so its businesses differ; the counting rule then applies to those rates, except
that a rate of 0 plants none.
"""

import copy
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sync.fakeqbo.book import Book, Party, Txn
from sync.fakeqbo.shapes import ITEMS, NET_30

FLAW_RATES: dict[str, float] = {
    "MISSING_VENDOR": 0.02,  # of bills; alternately no VendorRef and an inactive vendor
    "POSSIBLE_DUPLICATE": 0.05,  # of bills, and of invoices; pairs, both members counted
    "ZERO_AMOUNT": 0.02,  # of bills, and of invoices
    "MISSING_DUE_DATE": 0.03,  # of bills, and of invoices
    "DUE_BEFORE_TXN": 0.02,  # of bills, and of invoices
    "UNCATEGORIZED": 0.05,  # of bills
    "NO_CONTACT_EMAIL": 0.10,  # of customers (plus one open invoice each)
    "STALE_OPEN": 0.04,  # of bills, and of invoices
    "MISSING_TERMS": 0.08,  # of vendors
    "DUPLICATE_NAME": 0.08,  # of vendors, and of customers; pairs, both members counted
}
"""Fraction of the relevant entity deliberately made to trip each hygiene code."""

PAIRED_CODES = frozenset({"POSSIBLE_DUPLICATE", "DUPLICATE_NAME"})
BILL_CODES = (
    "MISSING_VENDOR",
    "POSSIBLE_DUPLICATE",
    "ZERO_AMOUNT",
    "MISSING_DUE_DATE",
    "DUE_BEFORE_TXN",
    "UNCATEGORIZED",
    "STALE_OPEN",
)
INVOICE_CODES = (
    "POSSIBLE_DUPLICATE",
    "ZERO_AMOUNT",
    "MISSING_DUE_DATE",
    "DUE_BEFORE_TXN",
    "STALE_OPEN",
)


def draw_rates(rng: random.Random) -> dict[str, float]:
    """Flaw rates of one company: per code, none (one chance in five) or 0.25x to 2.5x the
    default, rounded to a tenth of a percent."""
    rates = {}
    for code, rate in FLAW_RATES.items():
        factor = 0.0 if rng.random() < 0.2 else rng.uniform(0.25, 2.5)
        rates[code] = round(rate * factor, 3)
    return rates


def flaw_count(code: str, population: int, rates: Mapping[str, float] = FLAW_RATES) -> int:
    """Objects of one entity to flag with ``code`` before any small-company cap."""
    if population <= 0 or rates[code] <= 0:
        return 0
    exact = Decimal(str(rates[code])) * population
    if code in PAIRED_CODES:
        return 2 * max(1, int((exact / 2).to_integral_value(ROUND_HALF_UP)))
    return max(1, int(exact.to_integral_value(ROUND_HALF_UP)))


@dataclass(frozen=True)
class Layout:
    """How many parties of each kind a company gets, flawed or not."""

    critical_vendors: int
    inactive_vendors: int
    duplicate_vendor_pairs: int
    missing_terms_vendors: int
    inactive_customers: int
    duplicate_customer_pairs: int
    no_email_customers: int
    bill_flaws: dict[str, int]
    invoice_flaws: dict[str, int]


def _rounded(rate: str, population: int) -> int:
    return int((Decimal(rate) * population).to_integral_value(ROUND_HALF_UP))


def _allot(
    codes: tuple[str, ...], population: int, budget: int, rates: Mapping[str, float]
) -> dict[str, int]:
    allotted = {}
    for code in codes:
        wanted = min(flaw_count(code, population, rates), budget)
        allotted[code] = wanted - wanted % 2 if code in PAIRED_CODES else wanted
        budget -= allotted[code]
    return allotted


def plan_layout(
    *,
    vendors: int,
    customers: int,
    bills: int,
    invoices: int,
    rates: Mapping[str, float] = FLAW_RATES,
) -> Layout:
    """Counts for every party kind and flaw, shrunk only where a tiny company lacks room."""
    critical = min(6, vendors // 4)
    inactive = max(1, _rounded("0.06", vendors))
    vendor_pairs = flaw_count("DUPLICATE_NAME", vendors, rates) // 2
    missing_terms = min(flaw_count("MISSING_TERMS", vendors, rates), bills)
    # Regular vendors must hold the duplicated originals, the term-less ones and one clean one.
    while vendors - critical - inactive - vendor_pairs < vendor_pairs + missing_terms + 1:
        if missing_terms:
            missing_terms -= 1
        elif vendor_pairs:
            vendor_pairs -= 1
        elif inactive:
            inactive -= 1
        else:
            critical -= 1
    inactive_customers = max(1, _rounded("0.05", customers))
    customer_pairs = flaw_count("DUPLICATE_NAME", customers, rates) // 2
    no_email = min(flaw_count("NO_CONTACT_EMAIL", customers, rates), invoices)
    # Customers with an email must hold the duplicated originals and at least one more.
    while customers - inactive_customers - customer_pairs - no_email < max(1, customer_pairs):
        if no_email:
            no_email -= 1
        elif customer_pairs:
            customer_pairs -= 1
        else:
            inactive_customers -= 1
    return Layout(
        critical_vendors=critical,
        inactive_vendors=inactive,
        duplicate_vendor_pairs=vendor_pairs,
        missing_terms_vendors=missing_terms,
        inactive_customers=inactive_customers,
        duplicate_customer_pairs=customer_pairs,
        no_email_customers=no_email,
        bill_flaws=_allot(BILL_CODES, bills, bills - missing_terms, rates),
        invoice_flaws=_allot(INVOICE_CODES, invoices, invoices - no_email, rates),
    )


def _term_days(party: Party | None) -> int:
    return (party.term or NET_30).due_days if party is not None else NET_30.due_days


def _bill(
    book: Book, vendor: Party | None, txn: date, due: date | None, doc: str | None = ""
) -> Txn:
    """An open bill with a fresh total; ``doc=""`` means "a fresh DocNumber, or none"."""
    typical = vendor.typical_cents if vendor is not None else 60_000
    total = book.fresh_total("Bill", book.amount_near(typical))
    if doc == "":
        doc = book.vendor_doc() if book.rng.random() < 0.7 else None
    return book.add_bill(vendor=vendor, txn=txn, due=due, total_cents=total, doc=doc)


def _recent(book: Book, party: Party | None, spread: int = 25) -> tuple[date, date]:
    return book.open_dates(_term_days(party), book.rng.randint(-spread, spread))


def _backdated(book: Book) -> tuple[date, date]:
    """A due date 2-20 days before a TxnDate of the last month: keyed in wrong, not stale."""
    txn = book.as_of - timedelta(days=book.rng.randint(3, 30))
    return txn, txn - timedelta(days=book.rng.randint(2, 20))


def _stale(book: Book, party: Party) -> tuple[date, date]:
    due = book.as_of - timedelta(days=book.rng.randint(95, 130))
    return due - timedelta(days=_term_days(party)), due


def _zero_day(book: Book, round_number: int) -> date:
    """Zero totals of one party lie 15+ days apart, so two of them never look like duplicates."""
    return book.as_of - timedelta(days=10 + 20 * round_number + book.rng.randint(0, 5))


def inject_bill_flaws(book: Book, counts: dict[str, int], missing_terms: list[Party]) -> None:
    """Add the flawed bills, plus the one open bill each term-less vendor needs to be flagged."""
    rng, as_of = book.rng, book.as_of
    pool = book.billable("Vendor")
    inactive = [vendor for vendor in book.vendors if not vendor.active]
    for vendor in missing_terms:
        _bill(book, vendor, *_recent(book, vendor))
    for number in range(counts["MISSING_VENDOR"]):
        gone = inactive[number // 2 % len(inactive)] if number % 2 and inactive else None
        book.flag("MISSING_VENDOR", _bill(book, gone, *_recent(book, gone)))
    for number in range(counts["POSSIBLE_DUPLICATE"] // 2):
        vendor = rng.choice(pool)
        if number % 2 == 0:  # same vendor and total, entered twice a few days apart
            first = _bill(book, vendor, *_recent(book, vendor, 20))
            gap = timedelta(days=rng.randint(1, 5))
            when = first.day + gap if first.day + gap <= as_of else first.day - gap
            due = date.fromisoformat(first.body["DueDate"]) + (when - first.day)
            doc = book.vendor_doc() if rng.random() < 0.5 else None
            second = book.add_bill(
                vendor=vendor, txn=when, due=due, total_cents=first.total_cents, doc=doc
            )
        else:  # the vendor's invoice number keyed twice, on different amounts
            doc = book.vendor_doc()
            txn = as_of - timedelta(days=rng.randint(25, 40))
            first = _bill(book, vendor, txn, txn + timedelta(_term_days(vendor)), doc)
            later = txn + timedelta(days=rng.randint(9, 20))
            second = _bill(book, vendor, later, later + timedelta(_term_days(vendor)), doc)
        book.flag("POSSIBLE_DUPLICATE", first, second)
    start = rng.randrange(len(pool))
    for number in range(counts["ZERO_AMOUNT"]):
        vendor = pool[(start + number) % len(pool)]
        txn = _zero_day(book, number // len(pool))
        lines = book.expense_lines(0, vendor.accounts, count=1)
        zero = book.add_bill(
            vendor=vendor,
            txn=txn,
            due=txn + timedelta(_term_days(vendor)),
            total_cents=0,
            lines=lines,
        )
        book.flag("ZERO_AMOUNT", zero)
    for _ in range(counts["MISSING_DUE_DATE"]):
        vendor = rng.choice(pool)
        book.flag("MISSING_DUE_DATE", _bill(book, vendor, _recent(book, vendor)[0], None))
    for _ in range(counts["DUE_BEFORE_TXN"]):
        book.flag("DUE_BEFORE_TXN", _bill(book, rng.choice(pool), *_backdated(book)))
    for number in range(counts["UNCATEGORIZED"]):
        book.flag("UNCATEGORIZED", _uncategorized_bill(book, rng.choice(pool), number % 3))
    for _ in range(counts["STALE_OPEN"]):
        vendor = rng.choice(pool)
        book.flag("STALE_OPEN", _bill(book, vendor, *_stale(book, vendor)))


def _uncategorized_bill(book: Book, vendor: Party, variant: int) -> Txn:
    """Variant 0 leaves a line without AccountRef; 1 and 2 post it to a catch-all account."""
    rng = book.rng
    txn, due = _recent(book, vendor)
    total = book.fresh_total("Bill", book.amount_near(vendor.typical_cents))
    catch_all = book.accounts["uncategorized" if variant == 1 else "ama"]
    bad = vendor.accounts[0] if variant == 0 else catch_all
    count = rng.choice((1, 2))
    accounts = (bad,) if count == 1 else (vendor.accounts[0], bad)
    lines = book.expense_lines(total, accounts, count=count)
    if variant == 0:
        del lines[-1]["AccountBasedExpenseLineDetail"]["AccountRef"]
    return book.add_bill(vendor=vendor, txn=txn, due=due, total_cents=total, lines=lines)


def _invoice(
    book: Book, customer: Party, txn: date, due: date | None, *, email: bool = True
) -> Txn:
    lines, total = book.sales_lines(customer.typical_cents)
    address = customer.email if email and book.rng.random() < 0.85 else None
    return book.add_invoice(
        customer=customer, txn=txn, due=due, lines=lines, total_cents=total, bill_email=address
    )


def inject_invoice_flaws(book: Book, counts: dict[str, int], no_email: list[Party]) -> None:
    """Add the flawed invoices; ``no_email`` customers get theirs without a BillEmail."""
    rng, as_of = book.rng, book.as_of
    pool = [customer for customer in book.billable("Customer") if customer.email is not None]
    for customer in no_email:
        book.flag("NO_CONTACT_EMAIL", _invoice(book, customer, *_recent(book, customer)), customer)
    for number in range(counts["POSSIBLE_DUPLICATE"] // 2):
        customer = rng.choice(pool)
        first = _invoice(book, customer, *_recent(book, customer, 20))
        if number % 2 == 0:  # the same invoice raised twice a few days apart
            gap = timedelta(days=rng.randint(1, 5))
            when = first.day + gap if first.day + gap <= as_of else first.day - gap
            due = date.fromisoformat(first.body["DueDate"]) + (when - first.day)
            lines = copy.deepcopy(first.body["Line"][:-1])
            second = book.add_invoice(
                customer=customer,
                txn=when,
                due=due,
                lines=lines,
                total_cents=first.total_cents,
                bill_email=customer.email,
            )
        else:  # a second invoice typed over the first one's number
            earlier = first.day - timedelta(days=rng.randint(9, 20))
            second = _invoice(book, customer, earlier, earlier + timedelta(_term_days(customer)))
            second.same_doc_as = first
        book.flag("POSSIBLE_DUPLICATE", first, second)
    start = rng.randrange(len(pool))
    for number in range(counts["ZERO_AMOUNT"]):
        customer = pool[(start + number) % len(pool)]
        txn = _zero_day(book, number // len(pool))
        line = book.sales_line(1, 1, 0, ITEMS[0])
        zero = book.add_invoice(
            customer=customer,
            txn=txn,
            due=txn + timedelta(_term_days(customer)),
            lines=[line],
            total_cents=0,
            bill_email=customer.email,
        )
        book.flag("ZERO_AMOUNT", zero)
    for _ in range(counts["MISSING_DUE_DATE"]):
        customer = rng.choice(pool)
        book.flag("MISSING_DUE_DATE", _invoice(book, customer, _recent(book, customer)[0], None))
    for _ in range(counts["DUE_BEFORE_TXN"]):
        book.flag("DUE_BEFORE_TXN", _invoice(book, rng.choice(pool), *_backdated(book)))
    for _ in range(counts["STALE_OPEN"]):
        customer = rng.choice(pool)
        book.flag("STALE_OPEN", _invoice(book, customer, *_stale(book, customer)))
