"""The decision console: bills to pay, schedule or delay, and invoices to chase, ranked.

It reads the business's stored assessment (``resolvers.stored_assessments``): the runway and
totals from its summary, pages of bills and invoices from its rows, cut in SQL in the console's
order. A filter narrows the rows; it never re-scores them.
"""

import asyncio
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domains.assessments.loaders import TotalsKey
from domains.assessments.pages import BillCriteria, GroupTotal, InvoiceCriteria, PageRow
from domains.core.models import Business
from resolvers.assessment_records import BILL, INVOICE, PayPlanHeadline
from resolvers.loaders import Loaders
from resolvers.pagination import Page
from resolvers.rules.bills import BillAssessment
from resolvers.rules.collections import InvoiceAssessment
from resolvers.rules.console_summary import DecisionSummary
from resolvers.rules.enums import BillAction, BillGroup, Urgency
from resolvers.rules.money import ZERO
from resolvers.rules.pay_plan import PayPlanStep
from resolvers.rules.runway import RunwayFigures
from resolvers.stored_assessments import current_assessment
from resolvers.stored_pages import stored_page
from resolvers.thresholds import Thresholds


@dataclass(frozen=True)
class DecisionFilter:
    """Narrowing of the console; every set criterion must hold."""

    horizon_days: int | None = None
    min_amount: Decimal | None = None
    vendor_qbo_ids: frozenset[str] | None = None
    actions: frozenset[BillAction] | None = None
    urgencies: frozenset[Urgency] | None = None
    groups: frozenset[BillGroup] | None = None

    def bill_criteria(self) -> BillCriteria:
        """Which stored bills the filter selects: the ready ones, or every decidable one due
        within ``horizon_days`` (a wider horizon brings bills in; it doesn't re-score them)."""
        return BillCriteria(
            horizon_days=self.horizon_days,
            min_amount=self.min_amount,
            vendor_qbo_ids=self.vendor_qbo_ids,
            actions=_values(self.actions),
            urgencies=_values(self.urgencies),
            groups=_values(self.groups),
        )

    def invoice_criteria(self) -> InvoiceCriteria:
        """Which invoices ready for collection it selects (a vendor filter is about bills)."""
        return InvoiceCriteria(
            min_amount=self.min_amount,
            urgencies=_values(self.urgencies),
            none=self.vendor_qbo_ids is not None,
        )


def _values(chosen: frozenset[Any] | None) -> frozenset[str] | None:
    return None if chosen is None else frozenset(item.value for item in chosen)


class DecisionConsole:
    """The console of one business: its runway and pay plan now, its pages when asked."""

    def __init__(
        self,
        loaders: Loaders,
        business: Business,
        *,
        assessment_id: int,
        as_of: date,
        assessed_at: datetime,
        runway: RunwayFigures,
        stored_summary: DecisionSummary,
        pay_plan: PayPlanHeadline,
        wanted: DecisionFilter,
    ) -> None:
        self.business = business
        self.as_of = as_of
        self.assessed_at = assessed_at
        self.runway = runway
        self.pay_plan = pay_plan
        """The business's whole pay plan (ready MUST_PAY bills against the cash), whatever the
        filter: what to pay first doesn't change with what the screen shows."""
        self._loaders = loaders
        self._assessment_id = assessment_id
        self._stored_summary = stored_summary
        self._filtered = wanted != DecisionFilter()
        self._bills = wanted.bill_criteria()
        self._invoices = wanted.invoice_criteria()

    async def summary(self) -> DecisionSummary:
        """Totals of the bills and invoices in view (the stored ones without a filter)."""
        if not self._filtered:
            return self._stored_summary
        bills, invoices = await asyncio.gather(
            self._loaders.bill_totals.load(TotalsKey(self._bills, self._assessment_id)),
            self._loaders.invoice_totals.load(TotalsKey(self._invoices, self._assessment_id)),
        )
        groups: dict[str, GroupTotal] = bills
        collect: tuple[int, Decimal] = invoices
        collect_count, collect_amount = collect

        def group(name: BillGroup) -> tuple[int, Decimal]:
            total = groups.get(name.value)
            return (total.count, total.amount) if total else (0, ZERO)

        return DecisionSummary(
            *group(BillGroup.MUST_PAY),
            *group(BillGroup.CAN_DELAY),
            *group(BillGroup.SCHEDULED),
            collect_count,
            collect_amount,
            sum((total.discount_savings for total in groups.values()), ZERO),
        )

    async def bills_page(
        self, *, group: BillGroup | None, first: int | None, after: str | None
    ) -> Page[BillAssessment]:
        """A page of the bills in view, all of them or one group's, in the console's order."""
        return await stored_page(
            self._loaders,
            kind="bills",
            assessment_id=self._assessment_id,
            criteria=self._bills,
            group=None if group is None else group.value,
            first=first,
            after=after,
            decode=_bill,
        )

    async def collections_page(
        self, *, first: int | None, after: str | None
    ) -> Page[InvoiceAssessment]:
        """A page of the invoices in view, in priority order."""
        return await stored_page(
            self._loaders,
            kind="collections",
            assessment_id=self._assessment_id,
            criteria=self._invoices,
            first=first,
            after=after,
            decode=_invoice,
        )

    async def pay_plan_page(self, *, first: int | None, after: str | None) -> Page[PayPlanStep]:
        """A page of the pay plan's steps, in the console's order."""
        return await stored_page(
            self._loaders,
            kind="pay_plan",
            assessment_id=self._assessment_id,
            criteria=None,
            first=first,
            after=after,
            decode=_step,
        )


def _bill(row: PageRow) -> BillAssessment:
    return BILL.validate_python(row.payload)


def _invoice(row: PageRow) -> InvoiceAssessment:
    return INVOICE.validate_python(row.payload)


def _step(row: PageRow) -> PayPlanStep:
    assert row.plan_cash_after is not None  # the pay plan's page reads only planned bills
    return PayPlanStep(BILL.validate_python(row.payload), row.plan_cash_after)


async def decision_console(
    loaders: Loaders,
    business: Business,
    *,
    as_of: date,
    thresholds: Thresholds,
    wanted: DecisionFilter,
) -> DecisionConsole:
    """The console of ``business`` on ``as_of``, filtered by ``wanted``."""
    stored = await current_assessment(loaders, business, as_of=as_of, thresholds=thresholds)
    summary = stored.summary
    return DecisionConsole(
        loaders,
        business,
        assessment_id=stored.id,
        as_of=as_of,
        assessed_at=stored.computed_at,
        runway=summary.runway,
        stored_summary=summary.decisions,
        pay_plan=summary.pay_plan,
        wanted=wanted,
    )
