"""The hygiene tray: every broken or incomplete record of a business, filtered and paginated."""

import asyncio
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domains.core.models import Business
from resolvers.loaders import Loaders
from resolvers.pagination import Page, paginate
from resolvers.rules.enums import EntityType
from resolvers.rules.hygiene.codes import IssueCode, Severity
from resolvers.rules.hygiene.items import HygieneItem
from resolvers.rules.hygiene.report import HygieneReport, assess_hygiene, tray_order
from resolvers.thresholds import Thresholds


@dataclass(frozen=True)
class HygieneFilter:
    """What the bookkeeper asked to see; every set criterion must hold."""

    entity_types: frozenset[EntityType] | None = None
    codes: frozenset[IssueCode] | None = None
    min_severity: Severity | None = None
    min_amount: Decimal | None = None
    counterparty: str | None = None
    counterparty_qbo_ids: frozenset[str] | None = None


@dataclass(frozen=True)
class TrayItem:
    """A flagged record with the party it concerns (a bill's vendor, an invoice's customer)."""

    item: HygieneItem
    counterparty_qbo_id: str | None
    counterparty_name: str | None


@dataclass(frozen=True)
class HygieneTray:
    """One page of the tray, with the whole business's score and counts."""

    business: Business
    as_of: date
    report: HygieneReport
    page: Page[TrayItem]


async def hygiene_report(
    loaders: Loaders, business_id: int, *, as_of: date, thresholds: Thresholds, currency: str
) -> tuple[HygieneReport, list[TrayItem]]:
    """Every issue of the business (memoised per request: the digest and console reuse it)."""
    return await loaders.memo(
        ("hygiene", business_id, as_of, thresholds),
        lambda: _hygiene_report(
            loaders, business_id, as_of=as_of, thresholds=thresholds, currency=currency
        ),
    )


async def _hygiene_report(
    loaders: Loaders, business_id: int, *, as_of: date, thresholds: Thresholds, currency: str
) -> tuple[HygieneReport, list[TrayItem]]:
    bills, lines, invoices, vendors, customers = await asyncio.gather(
        loaders.bills.load(business_id),
        loaders.bill_lines.load(business_id),
        loaders.invoices.load(business_id),
        loaders.vendors.load(business_id),
        loaders.customers.load(business_id),
    )
    report = assess_hygiene(
        bills=bills,
        bill_lines=lines,
        invoices=invoices,
        vendors=vendors,
        customers=customers,
        as_of=as_of,
        thresholds=thresholds,
        currency=currency,
    )
    bill_party = {b.qbo_id: (b.vendor_qbo_id, b.vendor_name) for b in bills}
    invoice_party = {i.qbo_id: (i.customer_qbo_id, i.customer_name) for i in invoices}
    vendor_names = {v.qbo_id: v.display_name for v in vendors}
    customer_names = {c.qbo_id: c.display_name for c in customers}
    items = []
    for item in report.items:
        if item.entity_type is EntityType.BILL:
            party_id, party_name = bill_party.get(item.qbo_id, (None, None))
            party_name = vendor_names.get(party_id or "", party_name)
        elif item.entity_type is EntityType.INVOICE:
            party_id, party_name = invoice_party.get(item.qbo_id, (None, None))
            party_name = customer_names.get(party_id or "", party_name)
        elif item.entity_type is EntityType.VENDOR:
            party_id, party_name = item.qbo_id, vendor_names.get(item.qbo_id)
        else:
            party_id, party_name = item.qbo_id, customer_names.get(item.qbo_id)
        items.append(TrayItem(item, party_id, party_name))
    items.sort(key=_tray_order)
    return report, items


def matches(entry: TrayItem, wanted: HygieneFilter) -> bool:
    """Whether a flagged record passes every criterion of the filter."""
    item = entry.item
    if wanted.entity_types is not None and item.entity_type not in wanted.entity_types:
        return False
    if wanted.codes is not None and not any(i.code in wanted.codes for i in item.issues):
        return False
    if wanted.min_severity is not None and item.severity < wanted.min_severity:
        return False
    if wanted.min_amount is not None and item.amount < wanted.min_amount:
        return False
    if wanted.counterparty_qbo_ids is not None and (
        entry.counterparty_qbo_id not in wanted.counterparty_qbo_ids
    ):
        return False
    if wanted.counterparty:
        needle = wanted.counterparty.casefold()
        haystack = f"{entry.counterparty_name or ''} {item.label}".casefold()
        if needle not in haystack:
            return False
    return True


async def hygiene_tray(
    loaders: Loaders,
    business: Business,
    *,
    as_of: date,
    thresholds: Thresholds,
    wanted: HygieneFilter,
    first: int | None,
    after: str | None,
) -> HygieneTray:
    """The page of flagged records matching ``wanted`` after the cursor ``after``."""
    assert business.id is not None
    report, items = await hygiene_report(
        loaders, business.id, as_of=as_of, thresholds=thresholds, currency=business.home_currency
    )
    chosen = [entry for entry in items if matches(entry, wanted)]
    page = paginate(chosen, kind="hygiene", key=_tray_order, first=first, after=after)
    return HygieneTray(business=business, as_of=as_of, report=report, page=page)


def _tray_order(entry: TrayItem) -> tuple[int | str, ...]:
    return tray_order(entry.item)
