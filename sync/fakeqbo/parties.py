"""Vendors and customers of a generated company, with the party-level flaws built in.

Which parties may carry ordinary transactions is decided here (``Party.billable``): a vendor
without terms, a duplicated record or an inactive party never gets one, so ordinary bills and
invoices can never trip MISSING_TERMS, DUPLICATE_NAME, MISSING_VENDOR or NO_CONTACT_EMAIL by
accident.
"""

from datetime import timedelta

from sync.fakeqbo.book import Book, Party
from sync.fakeqbo.flaws import Layout
from sync.fakeqbo.names import CRITICAL_VENDORS, NamePicker, duplicate_variant, email
from sync.fakeqbo.shapes import (
    DISCOUNT_2_10_NET_30,
    DUE_ON_RECEIPT,
    NET_15,
    NET_30,
    NET_60,
    Account,
    Stamp,
    TermSpec,
)

_CRITICAL_SHAPE: dict[str, tuple[str, int, TermSpec, int]] = {
    # category: (expense account key, typical bill in cents before scale, terms, weight)
    "payroll": ("payroll", 1_200_000, DUE_ON_RECEIPT, 6),
    "rent": ("rent", 450_000, DUE_ON_RECEIPT, 3),
    "tax": ("tax", 400_000, DUE_ON_RECEIPT, 1),
    "utilities": ("utilities", 45_000, NET_15, 3),
    "insurance": ("insurance", 120_000, NET_30, 1),
    "loan": ("interest", 250_000, NET_15, 2),
}
_SUPPLIER_ACCOUNTS = ("cogs", "supplies", "office", "advertising", "professional", "repairs")
_SUPPLIER_TERMS = (NET_30, NET_30, NET_30, NET_15, NET_15, DISCOUNT_2_10_NET_30, NET_60)
_CUSTOMER_TERMS = (NET_30, NET_30, NET_15, DUE_ON_RECEIPT, NET_60)


def _stamps(book: Book, oldest: int, newest: int) -> tuple[Stamp, Stamp, int]:
    """Created ``oldest``..``newest`` days ago, maybe edited since: (created, updated, token)."""
    rng = book.rng
    created_day = book.as_of - timedelta(days=rng.randint(newest, oldest))
    created: Stamp = (created_day, rng.randint(7 * 3600, 19 * 3600))
    if rng.random() < 0.5:
        return created, created, 0
    edited_day = created_day + timedelta(days=rng.randint(0, (book.as_of - created_day).days))
    return created, (edited_day, rng.randint(7 * 3600, 19 * 3600)), rng.randint(1, 3)


def _twin(book: Book, original: Party, *, history: int, email_address: str | None) -> Party:
    """The same party keyed in again later: an active record that carries no transactions."""
    created, updated, token = _stamps(book, history, 5)
    return Party(
        entity=original.entity,
        id="",
        name=duplicate_variant(original.name),
        category=original.category,
        active=True,
        email=email_address,
        term=None,
        typical_cents=original.typical_cents,
        habit_days=original.habit_days,
        accounts=original.accounts,
        billable=False,
        weight=0,
        created=created,
        updated=updated,
        sync_token=token,
    )


def _numbered(parties: list[Party]) -> list[Party]:
    parties.sort(key=lambda party: party.created)  # Ids follow creation, as in QBO
    for number, party in enumerate(parties, start=1):
        party.id = str(number)
    return parties


def add_vendors(
    book: Book, layout: Layout, picker: NamePicker, *, count: int, scale: int, history: int
) -> list[Party]:
    """Add ``count`` vendors; returns the term-less ones MISSING_TERMS must flag."""
    rng = book.rng
    pay_habit = rng.randint(-5, 8)
    kinds = [category for category, _ in CRITICAL_VENDORS[: layout.critical_vendors]]
    regular = count - len(kinds) - layout.inactive_vendors - layout.duplicate_vendor_pairs
    kinds += ["supplier"] * regular + ["inactive"] * layout.inactive_vendors
    vendors: list[Party] = []
    for kind in kinds:
        created, updated, token = _stamps(book, history + 1_500, history + 30)
        if kind in _CRITICAL_SHAPE:
            key, typical, term, weight = _CRITICAL_SHAPE[kind]
            name = picker.fixed(rng.choice(dict(CRITICAL_VENDORS)[kind]))
            accounts: tuple[Account, ...] = (book.accounts[key],)
        else:
            name = picker.supplier()
            typical, term, weight = rng.randint(15_000, 300_000), rng.choice(_SUPPLIER_TERMS), 2
            keys = rng.sample(_SUPPLIER_ACCOUNTS, 2)
            accounts = tuple(book.accounts[key] for key in keys[: rng.randint(1, 2)])
        active = kind != "inactive"
        address = email(rng.choice(("billing", "ap", "accounts")), name)
        vendor = Party(
            entity="Vendor",
            id="",
            name=name,
            category="supplier" if kind == "inactive" else kind,
            active=active,
            email=address if rng.random() < 0.85 else None,
            term=term if active or rng.random() < 0.5 else None,
            typical_cents=typical * scale // 100,
            habit_days=pay_habit + rng.randint(-3, 3),
            accounts=accounts,
            billable=active,
            weight=weight,
            created=created,
            updated=updated,
            sync_token=token,
        )
        vendors.append(vendor)
    suppliers = [vendor for vendor, kind in zip(vendors, kinds, strict=True) if kind == "supplier"]
    originals = suppliers[: layout.duplicate_vendor_pairs]
    termless = suppliers[len(originals) : len(originals) + layout.missing_terms_vendors]
    for vendor in termless:
        vendor.term = None
        book.flag("MISSING_TERMS", vendor)
    for original in originals:
        # No terms but no open bills either, so MISSING_TERMS (which needs both) stays quiet.
        twin = _twin(book, original, history=history, email_address=None)
        vendors.append(twin)
        book.flag("DUPLICATE_NAME", original, twin)
    book.vendors = _numbered(vendors)
    return termless


def add_customers(
    book: Book, layout: Layout, picker: NamePicker, *, count: int, base_cents: int, history: int
) -> list[Party]:
    """Add ``count`` customers; returns the ones without an email NO_CONTACT_EMAIL must flag."""
    rng = book.rng
    regular = count - layout.inactive_customers - layout.duplicate_customer_pairs
    customers: list[Party] = []
    for number in range(regular + layout.inactive_customers):
        created, updated, token = _stamps(book, history + 900, history + 30)
        name = picker.customer()
        active = number < regular
        late = rng.random() < 0.45
        customer = Party(
            entity="Customer",
            id="",
            name=name,
            category="customer",
            active=active,
            email=email(rng.choice(("ap", "office", "billing")), name),
            term=rng.choice(_CUSTOMER_TERMS) if rng.random() < 0.6 else None,
            typical_cents=base_cents * rng.randint(40, 200) // 100,
            habit_days=rng.randint(10, 40) if late else rng.randint(-2, 2),
            accounts=(book.accounts["services"],),
            billable=active,
            weight=rng.randint(1, 4),
            created=created,
            updated=updated,
            sync_token=token,
        )
        customers.append(customer)
    originals = customers[: layout.duplicate_customer_pairs]
    no_email = customers[len(originals) : len(originals) + layout.no_email_customers]
    for customer in no_email:
        customer.email = None
    for original in originals:
        # The twin keeps an email, so it never trips NO_CONTACT_EMAIL on its own.
        twin = _twin(book, original, history=history, email_address=original.email)
        customers.append(twin)
        book.flag("DUPLICATE_NAME", original, twin)
    book.customers = _numbered(customers)
    return no_email
