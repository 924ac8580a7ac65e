"""Hygiene checks of bills and invoices: the document rows of docs/design.md#the-rules's issue
table.

Each row is read once into a small snapshot before the checks run: attribute access on mapped
rows goes through SQLAlchemy's instrumentation, and with 20,000 bills reading every column a dozen
times costs more than the checks themselves. Labels are built only for flagged documents.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domains.ap.models import Bill, BillLine, Vendor
from domains.ar.models import Customer, Invoice
from resolvers.rules.contacts import has_email
from resolvers.rules.enums import EntityType
from resolvers.rules.hygiene.codes import IssueCode
from resolvers.rules.hygiene.duplicates import (
    DuplicateCandidate,
    DuplicateMatch,
    DuplicateReason,
    find_duplicates,
)
from resolvers.rules.hygiene.items import (
    HygieneIssue,
    HygieneItem,
    RelatedRecord,
    issue,
    make_item,
)
from resolvers.rules.labels import document_name, plural
from resolvers.rules.money import ZERO, format_money
from resolvers.thresholds import Thresholds

_CATEGORISED_LINE_TYPES = frozenset({"AccountBasedExpenseLineDetail", "ItemBasedExpenseLineDetail"})


@dataclass(frozen=True, slots=True)
class _Doc:
    """The columns the checks read, read once."""

    entity_type: EntityType
    id: int | None
    qbo_id: str
    doc_number: str | None
    txn_date: date | None
    due_date: date | None
    total: Decimal
    balance: Decimal
    currency: str
    party_id: str | None
    party_name: str | None
    """The counterparty's display name from its row, else the name on the document."""

    @property
    def label(self) -> str:
        """ "Bill 1043 from Acme Supply", "Invoice 2001 to Blue Cafe"."""
        if self.entity_type is EntityType.BILL:
            document = document_name("Bill", self.doc_number, self.txn_date, self.qbo_id)
            return f"{document} from {self.party_name or 'an unknown vendor'}"
        document = document_name("Invoice", self.doc_number, self.txn_date, self.qbo_id)
        return f"{document} to {self.party_name or 'an unknown customer'}"


def bill_items(
    bills: Sequence[Bill],
    *,
    lines_by_bill: Mapping[int, Sequence[BillLine]],
    vendors: Mapping[str, Vendor],
    as_of: date,
    thresholds: Thresholds,
    currency: str,
) -> list[HygieneItem]:
    """Flagged bills among ``bills`` (already filtered to the examined ones)."""
    docs = {}
    for bill in bills:
        vendor_id = bill.vendor_qbo_id
        vendor = vendors.get(vendor_id) if vendor_id else None
        name = vendor.display_name if vendor is not None else bill.vendor_name
        docs[bill.qbo_id] = _Doc(
            EntityType.BILL,
            bill.id,
            bill.qbo_id,
            bill.doc_number,
            bill.txn_date,
            bill.due_date,
            bill.total_amt,
            bill.balance,
            bill.currency or currency,
            vendor_id,
            name,
        )
    duplicates = find_duplicates(
        (_bill_candidate(doc) for doc in docs.values() if doc.balance > 0),
        window_days=thresholds.duplicate_window_days,
    )
    items = []
    for doc in docs.values():
        found = [
            *_vendor_issues(doc, vendors),
            *_shared_issues(doc, docs, duplicates, as_of, thresholds),
            *_uncategorized(doc, lines_by_bill.get(doc.id or -1, ()), thresholds),
        ]
        item = _item(doc, found)
        if item is not None:
            items.append(item)
    return items


def invoice_items(
    invoices: Sequence[Invoice],
    *,
    customers: Mapping[str, Customer],
    as_of: date,
    thresholds: Thresholds,
    currency: str,
) -> list[HygieneItem]:
    """Flagged invoices among ``invoices`` (already filtered to the examined ones)."""
    docs = {}
    emails = {}
    for invoice in invoices:
        customer_id = invoice.customer_qbo_id
        customer = customers.get(customer_id) if customer_id else None
        name = customer.display_name if customer is not None else invoice.customer_name
        docs[invoice.qbo_id] = _Doc(
            EntityType.INVOICE,
            invoice.id,
            invoice.qbo_id,
            invoice.doc_number,
            invoice.txn_date,
            invoice.due_date,
            invoice.total_amt,
            invoice.balance,
            invoice.currency or currency,
            customer_id,
            name,
        )
        emails[invoice.qbo_id] = invoice.bill_email
    duplicates = find_duplicates(
        (_invoice_candidate(doc) for doc in docs.values() if doc.balance > 0),
        window_days=thresholds.duplicate_window_days,
    )
    items = []
    for doc in docs.values():
        found = [
            *_shared_issues(doc, docs, duplicates, as_of, thresholds),
            *_invoice_email(doc, emails[doc.qbo_id], customers),
        ]
        item = _item(doc, found)
        if item is not None:
            items.append(item)
    return items


def _item(doc: _Doc, found: list[HygieneIssue]) -> HygieneItem | None:
    return make_item(
        doc.entity_type,
        doc.id,
        doc.qbo_id,
        doc.label,
        doc.balance,
        doc.due_date,
        found,
        counterparty_qbo_id=doc.party_id,
        counterparty_name=doc.party_name,
    )


def _number_key(doc_number: str | None) -> str | None:
    number = (doc_number or "").strip().casefold()
    return number or None


def _bill_candidate(doc: _Doc) -> DuplicateCandidate:
    # A bill's number is the vendor's invoice number: two vendors may both send "1001", so the
    # number identifies a duplicate only together with the vendor.
    number = _number_key(doc.doc_number)
    key = f"{doc.party_id}\x1f{number}" if number and doc.party_id else None
    return DuplicateCandidate(doc.qbo_id, doc.party_id, doc.total, doc.txn_date, key)


def _invoice_candidate(doc: _Doc) -> DuplicateCandidate:
    # Invoice numbers are the business's own sequence: one number twice is a duplicate whoever
    # the customer is.
    number = _number_key(doc.doc_number)
    return DuplicateCandidate(doc.qbo_id, doc.party_id, doc.total, doc.txn_date, number)


def _vendor_issues(doc: _Doc, vendors: Mapping[str, Vendor]) -> list[HygieneIssue]:
    """MISSING_VENDOR: no vendor, or one that is unknown, deleted or inactive."""
    vendor = vendors.get(doc.party_id) if doc.party_id else None
    if vendor is not None and vendor.active and vendor.deleted_at is None:
        return []
    document = document_name("Bill", doc.doc_number, doc.txn_date, doc.qbo_id)
    name = doc.party_name or "its vendor"
    if not doc.party_id:
        message = f"{document} has no vendor"
    elif vendor is None:
        message = f"{document} is from {name}, who is not in the books"
    elif vendor.deleted_at is not None:
        message = f"{document} is from {name}, who was deleted in QBO"
    else:
        message = f"{document} is from {name}, who is inactive in QBO"
    return [issue(IssueCode.MISSING_VENDOR, message, "vendor", doc.balance)]


def _shared_issues(
    doc: _Doc,
    docs: Mapping[str, _Doc],
    duplicates: Mapping[str, DuplicateMatch],
    as_of: date,
    thresholds: Thresholds,
) -> list[HygieneIssue]:
    """POSSIBLE_DUPLICATE, ZERO_AMOUNT, MISSING_DUE_DATE, DUE_BEFORE_TXN and STALE_OPEN."""
    found: list[HygieneIssue] = []
    match = duplicates.get(doc.qbo_id)
    if match is not None:
        found.append(_duplicate_issue(doc, docs[match.other_qbo_id], match))
    if doc.total == 0:
        message = f"{doc.label} has a total of {format_money(ZERO, doc.currency)}"
        found.append(issue(IssueCode.ZERO_AMOUNT, message, "total_amt", ZERO))
    if doc.due_date is None:
        message = f"{doc.label} has no due date"
        found.append(issue(IssueCode.MISSING_DUE_DATE, message, "due_date", doc.balance))
    elif doc.txn_date is not None and doc.due_date < doc.txn_date:
        message = f"{doc.label} is due {doc.due_date}, before its date {doc.txn_date}"
        found.append(issue(IssueCode.DUE_BEFORE_TXN, message, "due_date", doc.balance))
    # "More than 90 days past due": 91 days is stale, 90 is not.
    if doc.due_date is not None and doc.balance > 0:
        days_past_due = (as_of - doc.due_date).days
        if days_past_due > thresholds.stale_days:
            is_bill = doc.entity_type is EntityType.BILL
            fate = "no longer owed" if is_bill else "bad debt to write off"
            message = (
                f"{doc.label} is {days_past_due} days past due and still open "
                f"({format_money(doc.balance, doc.currency)}): paid outside QBO, or {fate}?"
            )
            found.append(issue(IssueCode.STALE_OPEN, message, "balance", doc.balance))
    return found


def _duplicate_issue(doc: _Doc, other: _Doc, match: DuplicateMatch) -> HygieneIssue:
    """POSSIBLE_DUPLICATE naming the other record by its amount, date and QBO id (two bills with
    the same number from the same vendor have the same label: the label alone can't tell them
    apart), with the other record itself in ``related`` for its link."""
    related = RelatedRecord(
        other.entity_type, other.id, other.qbo_id, other.label, other.total, other.txn_date
    )
    another = "another " if other.label == doc.label else ""
    dated = f", dated {other.txn_date}" if other.txn_date is not None else ""
    named = (
        f"{another}{other.label} ({format_money(other.total, other.currency)}{dated}, "
        f"QBO id {other.qbo_id})"
    )
    if match.reason is DuplicateReason.SAME_NUMBER:
        message = f"{doc.label} may be a duplicate of {named}: same number"
        return issue(IssueCode.POSSIBLE_DUPLICATE, message, "doc_number", doc.balance, related)
    counterparty = "vendor" if doc.entity_type is EntityType.BILL else "customer"
    days = match.days_apart or 0
    apart = "same day" if days == 0 else f"{plural(days, 'day')} apart"
    message = f"{doc.label} may be a duplicate of {named}: same {counterparty} and total, {apart}"
    return issue(IssueCode.POSSIBLE_DUPLICATE, message, "total_amt", doc.balance, related)


def _uncategorized(
    doc: _Doc, lines: Sequence[BillLine], thresholds: Thresholds
) -> list[HygieneIssue]:
    """UNCATEGORIZED: a line with neither account nor item, or on a catch-all account.

    Lines of other detail types (QBO's description-only and subtotal lines) carry no money to
    categorise and are skipped. An account is a catch-all by name, case-insensitively, also as the
    last segment of a qualified name ("Expenses:Uncategorized Expense").
    """
    blank: list[BillLine] = []
    catch_all: dict[str, list[BillLine]] = defaultdict(list)
    for line in lines:
        if line.detail_type is not None and line.detail_type not in _CATEGORISED_LINE_TYPES:
            continue
        if not line.account_qbo_id and not line.item_qbo_id:
            blank.append(line)
            continue
        name = (line.account_name or "").rsplit(":", 1)[-1].strip()
        if name.casefold() in thresholds.uncategorized_account_names:
            catch_all[name].append(line)
    if not blank and not catch_all:
        return []
    parts = [f"{plural(len(blank), 'line')} without an account or item"] if blank else []
    parts += [f'{plural(len(group), "line")} in "{name}"' for name, group in catch_all.items()]
    affected = blank + [line for group in catch_all.values() for line in group]
    amount: Decimal = sum((line.amount for line in affected), ZERO)
    message = f"{doc.label} has {' and '.join(parts)} ({format_money(amount, doc.currency)})"
    return [issue(IssueCode.UNCATEGORIZED, message, "lines", amount)]


def _invoice_email(
    doc: _Doc, bill_email: str | None, customers: Mapping[str, Customer]
) -> list[HygieneIssue]:
    """NO_CONTACT_EMAIL on an open invoice: neither it nor its customer has an email."""
    if doc.balance <= 0 or has_email(bill_email):
        return []
    customer = customers.get(doc.party_id) if doc.party_id else None
    if customer is not None and customer.deleted_at is None and has_email(customer.email):
        return []
    who = customer.display_name if customer is not None else "its customer"
    message = f"{doc.label} has no email, and neither has {who}: no reminder can go out"
    return [issue(IssueCode.NO_CONTACT_EMAIL, message, "bill_email", doc.balance)]
