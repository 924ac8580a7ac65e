"""Deterministic QBO companies for tests, the demo and the benchmarks.

One seed and index always give the same company, byte for byte: every draw comes from a
``random.Random`` of its own, money is ``Decimal`` from integer cents, and every date counts from
the ``as_of`` passed in, never from the clock. Each company carries the hygiene flaws of
docs/design.md#the-rules at the rates of ``FLAW_RATES``, and ``GeneratedCompany.flaws`` names every
object made to trip one, so hygiene tests can compare against it exactly.

By default every company of a size has the same counts and flaws (tests and benchmarks count on
them). ``varied=True`` draws each company's size (half to about twice the given one) and its flaw
rates (``draw_rates``) from its seed and index, on a random stream of their own, so a fleet of
demo businesses differs from one business to the next and stays reproducible.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sync.fakeqbo.book import Book
from sync.fakeqbo.flaws import (
    FLAW_RATES,
    draw_rates,
    inject_bill_flaws,
    inject_invoice_flaws,
    plan_layout,
)
from sync.fakeqbo.names import NamePicker, company_name, email, slug
from sync.fakeqbo.parties import add_customers, add_vendors
from sync.fakeqbo.render import render_books
from sync.fakeqbo.shapes import NET_30, JsonObject, chart_of_accounts, qbo_object
from sync.mapping import ENTITY_ORDER

__all__ = [
    "FLAW_RATES",
    "CompanySize",
    "GeneratedCompany",
    "generate_companies",
    "generate_company",
]

_LOCATIONS = (
    ("America/Los_Angeles", "San Francisco", "CA", "94103"),
    ("America/Los_Angeles", "Oakland", "CA", "94612"),
    ("America/Los_Angeles", "Portland", "OR", "97205"),
    ("America/Los_Angeles", "Seattle", "WA", "98101"),
    ("America/Denver", "Denver", "CO", "80202"),
    ("America/Phoenix", "Phoenix", "AZ", "85004"),
    ("America/Chicago", "Chicago", "IL", "60607"),
    ("America/Chicago", "Austin", "TX", "78701"),
    ("America/New_York", "Brooklyn", "NY", "11201"),
    ("America/New_York", "Boston", "MA", "02110"),
)
_STREETS = ("Market Street", "Main Street", "Oak Avenue", "Commerce Way", "Harbor Boulevard")


@dataclass(frozen=True)
class CompanySize:
    """How many objects of each kind a generated company holds."""

    vendors: int = 25
    customers: int = 30
    bills: int = 120
    invoices: int = 90
    bank_accounts: int = 3
    history_weeks: int = 52
    """Weeks of paid bills, invoices and purchases before ``as_of``."""

    def __post_init__(self) -> None:
        # Below these the critical vendors, the duplicated pairs and a clean party don't fit.
        if self.vendors < 4 or self.customers < 4:
            raise ValueError("a generated company needs at least 4 vendors and 4 customers")
        if self.bank_accounts < 1 or self.history_weeks < 1:
            raise ValueError("a generated company needs a bank account and a week of history")
        if self.bills < 0 or self.invoices < 0:
            raise ValueError("bills and invoices cannot be negative")

    @classmethod
    def small(cls) -> "CompanySize":
        """Tiny but complete (every flaw code present): for fast tests."""
        return cls(vendors=8, customers=8, bills=20, invoices=15, bank_accounts=2, history_weeks=13)

    @classmethod
    def realistic(cls) -> "CompanySize":
        return cls()

    def varied(self, rng: random.Random) -> "CompanySize":
        """A company about this size: each count drawn from half to about twice it (a company
        never drops below ``small()``), bank accounts from 1 to 4."""

        def drawn(count: int, floor: int) -> int:
            return max(floor, round(count * rng.uniform(0.5, 2.0)))

        return CompanySize(
            vendors=drawn(self.vendors, 8),
            customers=drawn(self.customers, 8),
            bills=drawn(self.bills, 20),
            invoices=drawn(self.invoices, 15),
            bank_accounts=rng.randint(1, 4),
            history_weeks=self.history_weeks,
        )


@dataclass
class GeneratedCompany:
    """One QBO company as the API would return it, plus the flaws planted in it."""

    realm_id: str
    name: str
    home_currency: str
    timezone: str
    company_info: dict[str, Any]
    entities: dict[str, list[dict[str, Any]]]
    """QBO objects per entity name, keys exactly ``ENTITY_ORDER``, each list in Id order."""
    flaws: dict[str, list[tuple[str, str]]]
    """Hygiene code -> every (entity name, Id) made to trip it; a key for every code."""


def _realm_id(seed: int, index: int) -> str:
    """16 digits, distinct for every index of a seed (up to a million companies)."""
    if not 0 <= index < 999_999:
        raise ValueError("index must be between 0 and 999998")
    return f"9341{(seed % 1_000_000) * 1_000_000 + index + 1:012d}"


def _ordinary_bills(book: Book, count: int, history: int) -> None:
    """Bills that trip no rule: totals unique, dates sane, vendors active with terms."""
    rng, as_of = book.rng, book.as_of
    pool = book.billable("Vendor")
    weights = [vendor.weight for vendor in pool]
    open_count = count * rng.randint(20, 40) // 100
    for number in range(count):
        vendor = rng.choices(pool, weights)[0]
        term_days = (vendor.term or NET_30).due_days
        total = book.fresh_total("Bill", book.amount_near(vendor.typical_cents))
        doc = book.vendor_doc() if rng.random() < 0.75 else None
        if number < open_count:
            chance = rng.random()
            if chance < 0.75:
                offset = rng.randint(-30, 30)
            else:
                offset = rng.randint(31, 60) if chance < 0.9 else rng.randint(-85, -31)
            txn, due = book.open_dates(term_days, offset)
            bill = book.add_bill(vendor=vendor, txn=txn, due=due, total_cents=total, doc=doc)
            if rng.random() < 0.15:  # part paid: the rest stays open
                paid_on = txn + timedelta(days=rng.randint(0, (as_of - txn).days))
                bill.payments.append((paid_on, total * rng.randint(20, 70) // 100))
            continue
        txn = as_of - timedelta(days=rng.randint(3, history))
        due = txn + timedelta(days=term_days)
        paid_on = due + timedelta(days=vendor.habit_days + rng.randint(-3, 3))
        paid_on = min(max(paid_on, txn), as_of)
        bill = book.add_bill(vendor=vendor, txn=txn, due=due, total_cents=total, doc=doc)
        bill.payments.append((paid_on, total))


def _ordinary_invoices(book: Book, count: int, history: int) -> None:
    """Invoices paid on each customer's habit; those whose habit lands after today stay open."""
    rng, as_of = book.rng, book.as_of
    pool = book.billable("Customer")
    weights = [customer.weight for customer in pool]
    for _ in range(count):
        customer = rng.choices(pool, weights)[0]
        lines, total = book.sales_lines(customer.typical_cents)
        txn = as_of - timedelta(days=rng.randint(0, history))
        due = txn + timedelta(days=(customer.term or NET_30).due_days)
        paid_on = max(txn, due + timedelta(days=customer.habit_days + rng.randint(-3, 3)))
        if customer.email is None:  # typed on the invoice itself: the reminder can still go out
            address: str | None = email("accounts", customer.name)
        else:
            address = customer.email if rng.random() < 0.85 else None
        invoice = book.add_invoice(
            customer=customer, txn=txn, due=due, lines=lines, total_cents=total, bill_email=address
        )
        if paid_on > as_of:
            continue
        # A part payment leaves the rest open, so only where that rest is not yet stale.
        if rng.random() < 0.2 and due >= as_of - timedelta(days=60):
            invoice.payments.append((paid_on, total * rng.randint(30, 70) // 100))
        else:
            invoice.payments.append((paid_on, total))


def _invoice_base(book: Book, size: CompanySize) -> int:
    """A typical invoice, sized so collections cover a chosen share of recent spending.

    The digest's burn is money out minus money in over the trailing 13 weeks, so revenue is
    sized against what was paid in that window; most companies burn (collections cover 35-85%),
    a few are cash-positive.
    """
    rng = book.rng
    window_start = book.as_of - timedelta(days=90)
    paid = sum(c for bill in book.bills for d, c in bill.payments if d >= window_start)
    paid += sum(p.total_cents for p in book.purchases if p.day >= window_start)
    cover = rng.randint(35, 85) if rng.random() < 0.85 else rng.randint(110, 140)
    # Invoices spread over the history; those paid inside the window are about the ones raised
    # 91 days before the usual 30-day term plus lateness (~40 days).
    history = size.history_weeks * 7
    paid_share_days = max(20, min(91, history - 40))
    paid_in_window = max(1, size.invoices * paid_share_days // history)
    return max(5_000, paid * cover // 100 // paid_in_window)


def _purchases(book: Book, weeks: int, scale: int) -> None:
    """Card, cash and check spending outside bills: the digest's baseline spend."""
    rng = book.rng
    payees = [v for v in book.vendors if v.category == "supplier" and v.weight]
    for week in range(weeks):
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            day = book.as_of - timedelta(days=week * 7 + rng.randint(0, 6))
            total = max(500, rng.randint(2_000, 80_000) * scale // 100)
            kind = rng.choices(("Cash", "Check", "CreditCard"), (1, 2, 4))[0]
            vendor = rng.choice(payees) if payees and rng.random() < 0.6 else None
            book.add_purchase(day=day, total_cents=total, payment_type=kind, vendor=vendor)


def _company_info(
    rng: random.Random, name: str, location: tuple[str, str, str, str], as_of: date
) -> JsonObject:
    timezone, city, state, postal_code = location
    founded = as_of - timedelta(days=rng.randint(700, 5_000))
    created = (founded, rng.randint(8 * 3600, 18 * 3600))
    updated = (as_of - timedelta(days=rng.randint(1, 200)), rng.randint(8 * 3600, 18 * 3600))
    body: JsonObject = {
        "CompanyName": name,
        "LegalName": name,
        "CompanyAddr": {
            "Id": "1",
            "Line1": f"{rng.randint(10, 2999)} {rng.choice(_STREETS)}",
            "City": city,
            "Country": "US",
            "CountrySubDivisionCode": state,
            "PostalCode": postal_code,
        },
        "Country": "US",
        "Email": {"Address": f"owner.{slug(name)}@example.com"},
        "CompanyStartDate": founded.isoformat(),
        "FiscalYearStartMonth": "January",
        "SupportedLanguages": "en",
        "DefaultTimeZone": timezone,
    }
    return qbo_object("1", rng.randint(1, 3), created, updated, body)


def _runway_tenths(rng: random.Random) -> int:
    """Weeks of runway (x10) the company is meant to have: a mix of critical and healthy."""
    chance = rng.random()
    if chance < 0.25:
        return rng.randint(8, 35)  # CRITICAL: under 4 weeks
    if chance < 0.6:
        return rng.randint(50, 120)  # WARNING: under 13 weeks
    return rng.randint(150, 600)  # HEALTHY


def generate_company(
    *,
    seed: int,
    index: int,
    as_of: date,
    size: CompanySize | None = None,
    varied: bool = False,
) -> GeneratedCompany:
    """The ``index``-th company of ``seed``, as QBO would show it on ``as_of``.

    ``varied`` draws the company's own size around ``size`` and its own flaw rates (see the
    module docstring); without it, every company of a size has the same counts and flaws.
    """
    size = size or CompanySize()
    rates = FLAW_RATES
    if varied:
        # A stream of its own: the rest of the company is drawn as it would be anyway.
        variety = random.Random(f"runway-fakeqbo-variety:{seed}:{index}")
        size, rates = size.varied(variety), draw_rates(variety)
    rng = random.Random(f"runway-fakeqbo:{seed}:{index}")
    history = size.history_weeks * 7
    name = company_name(seed, index)
    location = rng.choice(_LOCATIONS)
    scale = rng.randint(30, 300)  # percent: how big this business is
    layout = plan_layout(
        vendors=size.vendors,
        customers=size.customers,
        bills=size.bills,
        invoices=size.invoices,
        rates=rates,
    )
    book = Book(rng=rng, as_of=as_of, accounts=chart_of_accounts(size.bank_accounts))
    picker = NamePicker(rng)
    termless = add_vendors(book, layout, picker, count=size.vendors, scale=scale, history=history)
    inject_bill_flaws(book, layout.bill_flaws, termless)
    _ordinary_bills(book, size.bills - len(book.bills), history)
    _purchases(book, size.history_weeks, scale)
    base = _invoice_base(book, size)
    no_email = add_customers(
        book, layout, picker, count=size.customers, base_cents=base, history=history
    )
    inject_invoice_flaws(book, layout.invoice_flaws, no_email)
    _ordinary_invoices(book, size.invoices - len(book.invoices), history)

    setup = (as_of - timedelta(days=history + 1_600), 9 * 3600)
    idle_cash = rng.randint(2_000_000, 20_000_000) * scale // 100
    entities, marks = render_books(
        book, runway_tenths=_runway_tenths(rng), idle_cash_cents=idle_cash, setup=setup
    )
    order = {entity: position for position, entity in enumerate(ENTITY_ORDER)}
    flaws: dict[str, list[tuple[str, str]]] = {code: [] for code in FLAW_RATES}
    for code, entity, qbo_id in sorted(marks, key=lambda m: (order[m[1]], int(m[2]))):
        flaws[code].append((entity, qbo_id))
    return GeneratedCompany(
        realm_id=_realm_id(seed, index),
        name=name,
        home_currency="USD",
        timezone=location[0],
        company_info=_company_info(rng, name, location, as_of),
        entities=entities,
        flaws=flaws,
    )


def generate_companies(
    *,
    count: int,
    seed: int,
    as_of: date,
    size: CompanySize | None = None,
    varied: bool = False,
) -> list[GeneratedCompany]:
    """Companies 0..count-1 of ``seed``; each equals ``generate_company`` for its index."""
    return [
        generate_company(seed=seed, index=index, as_of=as_of, size=size, varied=varied)
        for index in range(count)
    ]
