"""The shapes of the hygiene tray: one issue, a flagged record with its issues worst first."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from resolvers.rules.enums import EntityType
from resolvers.rules.hygiene.codes import SEVERITY, IssueCode, Severity

_CODE_ORDER = {code: index for index, code in enumerate(IssueCode)}


@dataclass(frozen=True)
class RelatedRecord:
    """The other record an issue is about (the document a possible duplicate matches)."""

    entity_type: EntityType
    entity_id: int | None
    qbo_id: str
    label: str
    amount: Decimal
    """Its total."""
    txn_date: date | None


@dataclass(frozen=True)
class HygieneIssue:
    """One thing wrong with one record."""

    code: IssueCode
    severity: Severity
    message: str
    field: str | None
    """The field at fault, named as in our rows (``due_date``, ``vendor``, ``lines``…)."""
    amount: Decimal
    """The money at stake (0 when none)."""
    related: RelatedRecord | None = None
    """The other record involved, when there is one (POSSIBLE_DUPLICATE)."""


@dataclass(frozen=True)
class HygieneItem:
    """A record with at least one issue, worst issue first."""

    entity_type: EntityType
    entity_id: int | None
    """Our primary key of the record (for global ids); ``qbo_id`` links to QBO."""
    qbo_id: str
    label: str
    amount: Decimal
    """Open balance of a document; open documents' total for a vendor or customer."""
    due_date: date | None
    severity: Severity
    """The worst of ``issues``."""
    issues: tuple[HygieneIssue, ...]
    counterparty_qbo_id: str | None = None
    """The party it concerns: a bill's vendor, an invoice's customer, a vendor or customer
    itself (the tray filters by it)."""
    counterparty_name: str | None = None


def issue(
    code: IssueCode,
    message: str,
    field: str | None,
    amount: Decimal,
    related: RelatedRecord | None = None,
) -> HygieneIssue:
    """An issue with the fixed severity (``SEVERITY``) for ``code``."""
    return HygieneIssue(code, SEVERITY[code], message, field, amount, related)


def make_item(
    entity_type: EntityType,
    entity_id: int | None,
    qbo_id: str,
    label: str,
    amount: Decimal,
    due_date: date | None,
    issues: Iterable[HygieneIssue],
    *,
    counterparty_qbo_id: str | None = None,
    counterparty_name: str | None = None,
) -> HygieneItem | None:
    """An item holding ``issues`` worst first (then in ``IssueCode``'s order), or
    ``None``."""
    ordered = sorted(issues, key=lambda found: (-found.severity.rank, _CODE_ORDER[found.code]))
    if not ordered:
        return None
    return HygieneItem(
        entity_type,
        entity_id,
        qbo_id,
        label,
        amount,
        due_date,
        ordered[0].severity,
        tuple(ordered),
        counterparty_qbo_id,
        counterparty_name,
    )
