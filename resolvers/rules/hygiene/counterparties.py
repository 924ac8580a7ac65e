"""Hygiene checks of vendors and customers: MISSING_TERMS, NO_CONTACT_EMAIL, DUPLICATE_NAME."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from domains.ap.models import Bill, Vendor
from domains.ar.models import Customer, Invoice
from resolvers.rules.contacts import has_email
from resolvers.rules.enums import EntityType
from resolvers.rules.hygiene.codes import IssueCode
from resolvers.rules.hygiene.items import HygieneIssue, HygieneItem, issue, make_item
from resolvers.rules.keywords import normalised_name
from resolvers.rules.labels import plural
from resolvers.rules.money import ZERO, format_money


@dataclass(frozen=True)
class CounterpartyCheck:
    """Flagged vendors and customers, and how many the score counts as examined."""

    items: list[HygieneItem]
    examined_count: int
    """Active vendors with open bills, active customers with open invoices, and any other
    flagged vendor or customer (a duplicate name needs no open document to matter)."""


@dataclass(frozen=True)
class _Party:
    entity_type: EntityType
    entity_id: int | None
    qbo_id: str
    name: str
    email: str | None
    term_qbo_id: str | None


def counterparty_items(
    *,
    vendors: Iterable[Vendor],
    customers: Iterable[Customer],
    open_bills: Iterable[Bill],
    open_invoices: Iterable[Invoice],
    currency: str,
) -> CounterpartyCheck:
    """Issues of active, not deleted vendors and customers."""
    vendor_parties = [
        _Party(EntityType.VENDOR, v.id, v.qbo_id, v.display_name, v.email, v.term_qbo_id)
        for v in vendors
        if v.active and v.deleted_at is None
    ]
    customer_parties = [
        _Party(EntityType.CUSTOMER, c.id, c.qbo_id, c.display_name, c.email, c.term_qbo_id)
        for c in customers
        if c.active and c.deleted_at is None
    ]
    vendor_check = _check(
        vendor_parties, _open_totals((b.vendor_qbo_id, b.balance) for b in open_bills), currency
    )
    customer_check = _check(
        customer_parties,
        _open_totals((i.customer_qbo_id, i.balance) for i in open_invoices),
        currency,
    )
    return CounterpartyCheck(
        items=vendor_check.items + customer_check.items,
        examined_count=vendor_check.examined_count + customer_check.examined_count,
    )


def _open_totals(pairs: Iterable[tuple[str | None, Decimal]]) -> dict[str, tuple[int, Decimal]]:
    totals: dict[str, tuple[int, Decimal]] = {}
    for qbo_id, balance in pairs:
        if qbo_id:
            count, amount = totals.get(qbo_id, (0, ZERO))
            totals[qbo_id] = (count + 1, amount + balance)
    return totals


def _check(
    parties: Sequence[_Party], open_totals: dict[str, tuple[int, Decimal]], currency: str
) -> CounterpartyCheck:
    by_name: dict[str, list[_Party]] = defaultdict(list)
    for party in parties:
        by_name[normalised_name(party.name)].append(party)
    items: list[HygieneItem] = []
    examined = 0
    for party in parties:
        count, amount = open_totals.get(party.qbo_id, (0, ZERO))
        found: list[HygieneIssue] = []
        namesakes = [p for p in by_name[normalised_name(party.name)] if p is not party]
        if namesakes:
            found.append(_duplicate_name(party, namesakes, amount))
        if count and party.entity_type is EntityType.VENDOR and not party.term_qbo_id:
            message = (
                f"{party.name} has {plural(count, 'open bill')} "
                f"({format_money(amount, currency)}) and no payment terms"
            )
            found.append(issue(IssueCode.MISSING_TERMS, message, "term", amount))
        if count and party.entity_type is EntityType.CUSTOMER and not has_email(party.email):
            message = (
                f"{party.name} has {plural(count, 'open invoice')} "
                f"({format_money(amount, currency)}) and no email: no reminder can go out"
            )
            found.append(issue(IssueCode.NO_CONTACT_EMAIL, message, "email", amount))
        kind = "Vendor" if party.entity_type is EntityType.VENDOR else "Customer"
        label = f"{kind} {party.name}"
        item = make_item(
            party.entity_type,
            party.entity_id,
            party.qbo_id,
            label,
            amount,
            None,
            found,
            counterparty_qbo_id=party.qbo_id,
            counterparty_name=party.name,
        )
        if item is not None:
            items.append(item)
        if count or item is not None:
            examined += 1
    return CounterpartyCheck(items, examined)


def _duplicate_name(party: _Party, namesakes: Sequence[_Party], amount: Decimal) -> HygieneIssue:
    kind = "vendor" if party.entity_type is EntityType.VENDOR else "customer"
    names = ", ".join(f'"{p.name}"' for p in sorted(namesakes, key=lambda p: p.qbo_id)[:3])
    more = len(namesakes) - 3
    others = f"{names} and {more} more" if more > 0 else names
    another = "other active" if len(namesakes) > 1 else "another active"
    noun = kind if len(namesakes) == 1 else f"{kind}s"
    message = f"{party.name} has the same name as {another} {noun}: {others}"
    return issue(IssueCode.DUPLICATE_NAME, message, "display_name", amount)
