"""The hygiene tray of one business: every flagged record, and the hygiene score.

Which records are examined (interpretation; the product brief says "over the open items"):

- bills and invoices that are not deleted and either open (balance > 0) or with a zero total: a
  zero-total document has a zero balance, so it is never "open", yet it is exactly what
  ZERO_AMOUNT is about. Paid history is not examined: a tray of thousands of closed bills without
  due dates helps no one, and fixing them changes no decision and no forecast;
- active, not deleted vendors and customers (DUPLICATE_NAME looks at all of them; MISSING_TERMS
  and a customer's NO_CONTACT_EMAIL only at those with open documents, where they matter).

Amounts at stake: a document's open balance (0 for ZERO_AMOUNT), the affected lines' sum for
UNCATEGORIZED, and the counterparty's open documents for vendor and customer issues.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domains.ap.models import Bill, BillLine, Vendor
from domains.ar.models import Customer, Invoice
from resolvers.rules.enums import EntityType
from resolvers.rules.hygiene.codes import IssueCode, Severity
from resolvers.rules.hygiene.counterparties import counterparty_items
from resolvers.rules.hygiene.documents import bill_items, invoice_items
from resolvers.rules.hygiene.items import HygieneIssue, HygieneItem
from resolvers.rules.hygiene.score import hygiene_score
from resolvers.rules.money import ZERO
from resolvers.thresholds import Thresholds


@dataclass(frozen=True)
class HygieneReport:
    """The tray of one business: flagged items (worst, then largest first) and the score."""

    items: tuple[HygieneItem, ...]
    examined_count: int
    score: int
    issue_count: int
    high_count: int
    """Items whose worst issue is HIGH (likewise ``medium_count`` and ``low_count``)."""
    medium_count: int
    low_count: int
    amount_at_stake: Decimal
    """Sum of the flagged items' amounts."""

    def flagged_qbo_ids(self, entity_type: EntityType, at_least: Severity) -> frozenset[str]:
        """QBO ids of ``entity_type`` items with an issue at least this severe.

        The console's readiness uses ``flagged_qbo_ids(EntityType.BILL, Severity.HIGH)``.
        """
        return frozenset(
            item.qbo_id
            for item in self.items
            if item.entity_type is entity_type and item.severity >= at_least
        )

    def issues_by_qbo_id(self, entity_type: EntityType, code: IssueCode) -> dict[str, HygieneIssue]:
        """The issue ``code`` of each flagged ``entity_type`` record, by its ``qbo_id``.

        The console reads ``issues_by_qbo_id(EntityType.INVOICE, IssueCode.POSSIBLE_DUPLICATE)``
        to warn before chasing an invoice that may be a duplicate.
        """
        return {
            item.qbo_id: found
            for item in self.items
            if item.entity_type is entity_type
            for found in item.issues
            if found.code is code
        }


def assess_hygiene(
    *,
    bills: Iterable[Bill],
    bill_lines: Iterable[BillLine],
    invoices: Iterable[Invoice],
    vendors: Iterable[Vendor],
    customers: Iterable[Customer],
    as_of: date,
    thresholds: Thresholds,
    currency: str = "USD",
) -> HygieneReport:
    """Every issue of docs/design.md#the-rules's table for one business's rows, and its hygiene
    score.

    Args:
        bill_lines: lines of those bills, in any order (grouped here by ``bill_id``).
        currency: the business's home currency, for amounts in messages (a document's own
            currency wins).

    Runs in O(n log n) over the rows (duplicate detection sorts; everything else is one pass).
    """
    vendor_by_id = {vendor.qbo_id: vendor for vendor in vendors}
    customer_by_id = {customer.qbo_id: customer for customer in customers}
    examined_bills = [b for b in bills if _examined(b.balance, b.total_amt, b.deleted_at)]
    examined_invoices = [i for i in invoices if _examined(i.balance, i.total_amt, i.deleted_at)]
    lines_by_bill: dict[int, list[BillLine]] = defaultdict(list)
    for line in bill_lines:
        lines_by_bill[line.bill_id].append(line)

    items = bill_items(
        examined_bills,
        lines_by_bill=lines_by_bill,
        vendors=vendor_by_id,
        as_of=as_of,
        thresholds=thresholds,
        currency=currency,
    )
    items += invoice_items(
        examined_invoices,
        customers=customer_by_id,
        as_of=as_of,
        thresholds=thresholds,
        currency=currency,
    )
    counterparties = counterparty_items(
        vendors=vendor_by_id.values(),
        customers=customer_by_id.values(),
        open_bills=[b for b in examined_bills if b.balance > 0],
        open_invoices=[i for i in examined_invoices if i.balance > 0],
        currency=currency,
    )
    items += counterparties.items
    items.sort(key=tray_order)
    examined = len(examined_bills) + len(examined_invoices) + counterparties.examined_count
    return _report(items, examined, thresholds)


def _examined(balance: Decimal, total: Decimal, deleted_at: datetime | None) -> bool:
    return deleted_at is None and (balance > 0 or total == 0)


@dataclass(frozen=True)
class HygieneCounts:
    """How many flagged records, issues and money a set of tray items holds."""

    item_count: int
    issue_count: int
    high_count: int
    """Items whose worst issue is HIGH (likewise ``medium_count`` and ``low_count``)."""
    medium_count: int
    low_count: int
    amount_at_stake: Decimal


def counts_of(items: Sequence[HygieneItem]) -> HygieneCounts:
    """The counts of ``items`` (the tray's filtered set, or the whole business's)."""
    return HygieneCounts(
        item_count=len(items),
        issue_count=sum(len(item.issues) for item in items),
        high_count=sum(1 for item in items if item.severity is Severity.HIGH),
        medium_count=sum(1 for item in items if item.severity is Severity.MEDIUM),
        low_count=sum(1 for item in items if item.severity is Severity.LOW),
        amount_at_stake=sum((item.amount for item in items), ZERO),
    )


def _report(items: Sequence[HygieneItem], examined: int, thresholds: Thresholds) -> HygieneReport:
    counts = counts_of(items)
    return HygieneReport(
        items=tuple(items),
        examined_count=examined,
        score=hygiene_score(
            (item.severity for item in items), examined_count=examined, thresholds=thresholds
        ),
        issue_count=counts.issue_count,
        high_count=counts.high_count,
        medium_count=counts.medium_count,
        low_count=counts.low_count,
        amount_at_stake=counts.amount_at_stake,
    )


def tray_order(item: HygieneItem) -> tuple[int | str, ...]:
    """The tray's order: worst first, then most money at stake, then kind and ``qbo_id``; a tuple
    of ints and strings, so a page cursor can carry it exactly."""
    return (-item.severity.rank, -int(item.amount * 10_000), item.entity_type.value, item.qbo_id)
