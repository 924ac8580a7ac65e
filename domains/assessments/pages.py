"""Pages, counts and totals of stored assessments' records, cut in SQL.

A page is ``WHERE assessment_id = … [criteria] AND sort_key > cursor ORDER BY sort_key LIMIT n``
on the ``(assessment_id, sort_key)`` index: it reads the rows it returns, never every record.
Several assessments asked for in one batch (an overview of many businesses) share one statement:
a ``UNION ALL`` of one indexed branch per assessment. Criteria are plain values here; the
resolvers translate the views' filters into them.
"""

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select, true, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domains.assessments.models import AssessedBill, AssessedHygieneItem, AssessedInvoice
from domains.sqltypes import Money

RecordModel = type[AssessedHygieneItem] | type[AssessedBill] | type[AssessedInvoice]


@dataclass(frozen=True)
class PageRow:
    """What a page shows of one stored record: its rules' output and where it sorts.

    Plain values read as columns, not ORM entities: a page builds 50 to 100 of them per request,
    and hydrating entities (identity map, instrumentation, SQLModel's init) cost more than the
    read itself.
    """

    assessment_id: int
    sort_key: str
    payload: dict[str, Any]
    plan_cash_after: Decimal | None = None
    """Bills only: the cash left once this bill and every one before it in the pay plan are paid."""


HIGH_RANK, MEDIUM_RANK, LOW_RANK = 3, 2, 1


@dataclass(frozen=True)
class ItemCriteria:
    """Which flagged records a tray shows; ``None`` leaves a criterion out."""

    entity_types: frozenset[str] | None = None
    code_mask: int | None = None
    """Records with at least one of these codes' bits."""
    min_severity_rank: int | None = None
    min_amount: Decimal | None = None
    counterparty_qbo_ids: frozenset[str] | None = None
    search: str | None = None
    """Case-folded text to find in the counterparty's name or the label."""

    def conditions(self) -> list[ColumnElement[bool]]:
        model = AssessedHygieneItem
        found: list[ColumnElement[bool]] = []
        if self.entity_types is not None:
            found.append(col(model.entity_type).in_(sorted(self.entity_types)))
        if self.code_mask is not None:
            found.append(col(model.code_mask).op("&")(self.code_mask) != 0)
        if self.min_severity_rank is not None:
            found.append(col(model.severity_rank) >= self.min_severity_rank)
        if self.min_amount is not None:
            found.append(col(model.amount) >= self.min_amount)
        if self.counterparty_qbo_ids is not None:
            found.append(col(model.counterparty_qbo_id).in_(sorted(self.counterparty_qbo_ids)))
        if self.search:
            found.append(col(model.search_text).contains(self.search, autoescape=True))
        return found


@dataclass(frozen=True)
class BillCriteria:
    """Which bills a console shows: the ready ones, or all within ``horizon_days``."""

    horizon_days: int | None = None
    min_amount: Decimal | None = None
    vendor_qbo_ids: frozenset[str] | None = None
    actions: frozenset[str] | None = None
    urgencies: frozenset[str] | None = None
    groups: frozenset[str] | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        model = AssessedBill
        found: list[ColumnElement[bool]] = [
            col(model.ready).is_(True)
            if self.horizon_days is None
            else col(model.days_until_due) <= self.horizon_days
        ]
        if self.min_amount is not None:
            found.append(col(model.amount) >= self.min_amount)
        if self.vendor_qbo_ids is not None:
            found.append(col(model.vendor_qbo_id).in_(sorted(self.vendor_qbo_ids)))
        if self.actions is not None:
            found.append(col(model.action).in_(sorted(self.actions)))
        if self.urgencies is not None:
            found.append(col(model.urgency).in_(sorted(self.urgencies)))
        if self.groups is not None:
            found.append(col(model.bill_group).in_(sorted(self.groups)))
        return found


@dataclass(frozen=True)
class InvoiceCriteria:
    """Which invoices ready for collection a console shows."""

    min_amount: Decimal | None = None
    urgencies: frozenset[str] | None = None
    none: bool = False
    """Show no invoice at all (a vendor filter is about bills only)."""

    def conditions(self) -> list[ColumnElement[bool]]:
        model = AssessedInvoice
        if self.none:
            return [true().is_(False)]
        found: list[ColumnElement[bool]] = []
        if self.min_amount is not None:
            found.append(col(model.amount) >= self.min_amount)
        if self.urgencies is not None:
            found.append(col(model.urgency).in_(sorted(self.urgencies)))
        return found


async def page_rows(
    session: AsyncSession,
    model: RecordModel,
    *,
    assessment_ids: Sequence[int],
    conditions: Sequence[ColumnElement[bool]],
    after: str | None,
    limit: int,
) -> dict[int, list[PageRow]]:
    """Up to ``limit`` records per assessment after the sort key ``after``, in page order."""
    if not assessment_ids or limit <= 0:
        return {assessment_id: [] for assessment_id in assessment_ids}
    columns: list[Any] = [col(model.assessment_id), col(model.sort_key), col(model.payload)]
    if model is AssessedBill:
        columns.append(col(AssessedBill.plan_cash_after))

    def branch(assessment_id: int) -> Select[Any]:
        statement = select(*columns).where(col(model.assessment_id) == assessment_id, *conditions)
        if after is not None:
            statement = statement.where(col(model.sort_key) > after)
        return statement.order_by(col(model.sort_key)).limit(limit)

    if len(assessment_ids) == 1:
        statement = branch(assessment_ids[0])
    else:
        together = union_all(*(branch(i).subquery().select() for i in assessment_ids)).subquery()
        statement = select(together)
    grouped: dict[int, list[PageRow]] = defaultdict(list)
    for found in (await session.execute(statement)).all():
        grouped[found[0]].append(PageRow(*found))
    for rows in grouped.values():
        rows.sort(key=lambda row: row.sort_key)
    return {assessment_id: grouped.get(assessment_id, []) for assessment_id in assessment_ids}


async def count_rows(
    session: AsyncSession,
    model: RecordModel,
    *,
    assessment_ids: Collection[int],
    conditions: Sequence[ColumnElement[bool]],
) -> dict[int, int]:
    """How many records of each assessment meet ``conditions``."""
    if not assessment_ids:
        return {}
    statement = (
        select(col(model.assessment_id), func.count())
        .where(col(model.assessment_id).in_(list(assessment_ids)), *conditions)
        .group_by(col(model.assessment_id))
    )
    counts = {row[0]: int(row[1]) for row in (await session.execute(statement)).all()}
    return {assessment_id: counts.get(assessment_id, 0) for assessment_id in assessment_ids}


@dataclass(frozen=True)
class ItemTotals:
    """Counts of a set of flagged records."""

    item_count: int
    issue_count: int
    high_count: int
    medium_count: int
    low_count: int
    amount_at_stake: Decimal


NO_MONEY = Decimal("0.00")
"""The total of no rows, as ``Money`` presents a zero sum."""


def _money_sum(column: Any) -> Any:
    return func.coalesce(func.sum(column), 0, type_=Money)


async def item_totals(
    session: AsyncSession,
    *,
    assessment_ids: Collection[int],
    conditions: Sequence[ColumnElement[bool]],
) -> dict[int, ItemTotals]:
    """The counts of the flagged records of each assessment that meet ``conditions`` (one
    statement, however many assessments: a filtered overview stays constant in statements)."""
    model = AssessedHygieneItem

    def severity(rank: int) -> Any:
        return func.coalesce(func.sum(case((col(model.severity_rank) == rank, 1), else_=0)), 0)

    statement = (
        select(
            col(model.assessment_id),
            func.count(),
            func.coalesce(func.sum(col(model.issue_count)), 0),
            severity(HIGH_RANK),
            severity(MEDIUM_RANK),
            severity(LOW_RANK),
            _money_sum(col(model.amount)),
        )
        .where(col(model.assessment_id).in_(list(assessment_ids)), *conditions)
        .group_by(col(model.assessment_id))
    )
    found = {
        row[0]: ItemTotals(
            int(row[1]), int(row[2]), int(row[3]), int(row[4]), int(row[5]), Decimal(row[6])
        )
        for row in (await session.execute(statement)).all()
    }
    none = ItemTotals(0, 0, 0, 0, 0, NO_MONEY)
    return {assessment_id: found.get(assessment_id, none) for assessment_id in assessment_ids}


@dataclass(frozen=True)
class GroupTotal:
    """Bills of one console group: how many, their balances and discount savings."""

    count: int
    amount: Decimal
    discount_savings: Decimal


async def bill_totals(
    session: AsyncSession,
    *,
    assessment_ids: Collection[int],
    conditions: Sequence[ColumnElement[bool]],
) -> dict[int, dict[str, GroupTotal]]:
    """The bills of each assessment that meet ``conditions``, totalled per console group."""
    model = AssessedBill
    statement = (
        select(
            col(model.assessment_id),
            col(model.bill_group),
            func.count(),
            _money_sum(col(model.amount)),
            _money_sum(col(model.discount_savings)),
        )
        .where(col(model.assessment_id).in_(list(assessment_ids)), *conditions)
        .group_by(col(model.assessment_id), col(model.bill_group))
    )
    found: dict[int, dict[str, GroupTotal]] = {
        assessment_id: {} for assessment_id in assessment_ids
    }
    for row in (await session.execute(statement)).all():
        found[row[0]][row[1]] = GroupTotal(int(row[2]), Decimal(row[3]), Decimal(row[4]))
    return found


async def invoice_totals(
    session: AsyncSession,
    *,
    assessment_ids: Collection[int],
    conditions: Sequence[ColumnElement[bool]],
) -> dict[int, tuple[int, Decimal]]:
    """How many invoices of each assessment meet ``conditions``, and their balances."""
    model = AssessedInvoice
    statement = (
        select(col(model.assessment_id), func.count(), _money_sum(col(model.amount)))
        .where(col(model.assessment_id).in_(list(assessment_ids)), *conditions)
        .group_by(col(model.assessment_id))
    )
    found = {
        row[0]: (int(row[1]), Decimal(row[2])) for row in (await session.execute(statement)).all()
    }
    return {
        assessment_id: found.get(assessment_id, (0, NO_MONEY)) for assessment_id in assessment_ids
    }
