"""An assessment as stored rows, and back: what is written, and how a page's rows become results.

Each record row keeps the columns its page filters and orders by, and the rules' dataclass as
JSON (through pydantic's ``TypeAdapter``, which reads the same dataclass back exactly: decimals
as strings, enums by value). Sort keys are the rules' own orders (``bill_order``,
``invoice_order``, ``tray_order``) encoded as strings that compare, byte by byte, like the tuples.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter

from domains.assessments.queries import NewAssessment
from domains.banking.models import Account
from resolvers.assessment import BusinessAssessment
from resolvers.rules.actions import RunwayAction
from resolvers.rules.aging import AgingReport, PayablesSummary
from resolvers.rules.alerts import Alert
from resolvers.rules.bills import BillAssessment, bill_order
from resolvers.rules.cashflow import BANK_ACCOUNT_TYPE
from resolvers.rules.collections import InvoiceAssessment, invoice_order
from resolvers.rules.console_summary import DecisionSummary
from resolvers.rules.dates import week_end
from resolvers.rules.enums import Signal
from resolvers.rules.forecast import Forecast
from resolvers.rules.hygiene.codes import IssueCode
from resolvers.rules.hygiene.items import HygieneItem
from resolvers.rules.hygiene.report import HygieneCounts, counts_of, tray_order
from resolvers.rules.money import ZERO, cents
from resolvers.rules.pay_plan import PayPlan
from resolvers.rules.runway import RunwayFigures
from resolvers.thresholds import Thresholds

TOP_ITEMS = 5
"""How many bills due this week and overdue invoices the digest lists."""

_INT_OFFSET = 10**19
_CODE_BIT = {code: 1 << index for index, code in enumerate(IssueCode)}


@dataclass(frozen=True)
class HygieneHeadline:
    """The whole business's hygiene tray in numbers."""

    score: int
    examined_count: int
    counts: HygieneCounts


@dataclass(frozen=True)
class PayPlanHeadline:
    """The pay plan's totals; its steps are the bill rows with a ``plan_cash_after``."""

    cash: Decimal
    must_pay_amount: Decimal
    funded_count: int
    funded_amount: Decimal
    shortfall: Decimal
    first_unfunded: BillAssessment | None


@dataclass(frozen=True)
class AssessmentSummary:
    """What every view's headline reads: the overview reads nothing else."""

    hygiene: HygieneHeadline
    runway: RunwayFigures
    decisions: DecisionSummary
    pay_plan: PayPlanHeadline


@dataclass(frozen=True)
class BankBalance:
    """An active bank account summed into cash."""

    name: str
    balance: Decimal
    qbo_id: str


@dataclass(frozen=True)
class AssessmentDetail:
    """What only the digest shows."""

    forecast: Forecast
    payables: PayablesSummary
    receivables: AgingReport
    alerts: tuple[Alert, ...]
    """The books' alerts; the mirror's freshness is added when the digest is read."""
    top_actions: tuple[RunwayAction, ...]
    bills_due_this_week: tuple[BillAssessment, ...]
    overdue_invoices: tuple[InvoiceAssessment, ...]
    bank_accounts: tuple[BankBalance, ...]


SUMMARY = TypeAdapter(AssessmentSummary)
DETAIL = TypeAdapter(AssessmentDetail)
HYGIENE_ITEM = TypeAdapter(HygieneItem)
BILL = TypeAdapter(BillAssessment)
INVOICE = TypeAdapter(InvoiceAssessment)


def thresholds_key(thresholds: Thresholds) -> str:
    """A digest of the thresholds: an assessment computed with others is stale."""
    return hashlib.sha256(thresholds.model_dump_json().encode()).hexdigest()


def sort_key(key: tuple[int | str, ...]) -> str:
    """A rules' order key as a string that sorts, byte by byte, as the tuple does.

    Integers become fixed-width non-negative numbers (offset by 10**19), strings stay as they
    are; parts are separated by a byte below every printable one, so a shorter string sorts
    first as in the tuple. QBO ids and enum values hold no control characters.
    """
    parts = [f"{part + _INT_OFFSET:020d}" if isinstance(part, int) else part for part in key]
    return "\x01".join(parts)


def new_assessment(
    assessment: BusinessAssessment,
    *,
    data_version: int,
    thresholds: Thresholds,
    computed_at: datetime,
) -> NewAssessment:
    """The rows that store ``assessment``."""
    as_of = assessment.as_of
    plan = assessment.pay_plan
    summary = AssessmentSummary(
        hygiene=HygieneHeadline(
            score=assessment.hygiene.score,
            examined_count=assessment.hygiene.examined_count,
            counts=counts_of(assessment.hygiene.items),
        ),
        runway=assessment.cash.runway,
        decisions=assessment.decisions,
        pay_plan=pay_plan_headline(plan),
    )
    sunday = week_end(as_of)
    detail = AssessmentDetail(
        forecast=assessment.cash.forecast,
        payables=assessment.payables,
        receivables=assessment.receivables,
        alerts=assessment.alerts,
        top_actions=assessment.top_actions,
        bills_due_this_week=tuple(
            bill for bill in assessment.bills if as_of <= bill.due_date <= sunday
        )[:TOP_ITEMS],
        overdue_invoices=tuple(i for i in assessment.invoices if i.days_overdue > 0)[:TOP_ITEMS],
        bank_accounts=tuple(_bank_balances(assessment.cash.accounts)),
    )
    plan_steps = {step.bill.qbo_id: step.cash_after for step in plan.steps}
    return NewAssessment(
        business_id=assessment.business_id,
        as_of=as_of,
        data_version=data_version,
        thresholds_key=thresholds_key(thresholds),
        computed_at=computed_at,
        status=assessment.cash.runway.status.value,
        summary=SUMMARY.dump_python(summary, mode="json"),
        detail=DETAIL.dump_python(detail, mode="json"),
        hygiene_items=[_item_row(item) for item in assessment.hygiene.items],
        bills=[_bill_row(bill, plan_steps) for bill in assessment.bills if bill.decidable],
        invoices=[_invoice_row(invoice) for invoice in assessment.invoices if invoice.ready],
    )


def pay_plan_headline(plan: PayPlan) -> PayPlanHeadline:
    """The plan's totals, as stored and shown."""
    return PayPlanHeadline(
        cash=max(ZERO, plan.cash),
        must_pay_amount=cents(plan.must_pay_amount),
        funded_count=plan.funded_count,
        funded_amount=cents(plan.funded_amount),
        shortfall=cents(plan.shortfall),
        first_unfunded=plan.first_unfunded,
    )


def _bank_balances(accounts: list[Account]) -> list[BankBalance]:
    return [
        BankBalance(account.name, cents(account.current_balance or ZERO), account.qbo_id)
        for account in accounts
        if account.account_type == BANK_ACCOUNT_TYPE
        and account.active
        and account.deleted_at is None
    ]


def _item_row(item: HygieneItem) -> dict[str, Any]:
    mask = 0
    for found in item.issues:
        mask |= _CODE_BIT[found.code]
    return {
        "sort_key": sort_key(tray_order(item)),
        "entity_type": item.entity_type.value,
        "severity_rank": item.severity.rank,
        "code_mask": mask,
        "amount": item.amount,
        "counterparty_qbo_id": item.counterparty_qbo_id,
        "search_text": f"{item.counterparty_name or ''} {item.label}".casefold(),
        "issue_count": len(item.issues),
        "payload": HYGIENE_ITEM.dump_python(item, mode="json"),
    }


def _bill_row(bill: BillAssessment, plan_steps: dict[str, Decimal]) -> dict[str, Any]:
    taking = bill.discount is not None and Signal.TAKE_DISCOUNT in bill.signals
    return {
        "sort_key": sort_key(bill_order(bill)),
        "ready": bill.ready,
        "days_until_due": bill.days_until_due,
        "amount": bill.amount,
        "vendor_qbo_id": bill.vendor_qbo_id,
        "action": bill.action.value,
        "urgency": bill.urgency.value,
        "bill_group": bill.group.value,
        "discount_savings": bill.discount.savings if taking and bill.discount else None,
        "plan_cash_after": plan_steps.get(bill.qbo_id),
        "payload": BILL.dump_python(bill, mode="json"),
    }


def _invoice_row(invoice: InvoiceAssessment) -> dict[str, Any]:
    return {
        "sort_key": sort_key(invoice_order(invoice)),
        "amount": invoice.amount,
        "urgency": invoice.urgency.value,
        "payload": INVOICE.dump_python(invoice, mode="json"),
    }


def code_mask(codes: frozenset[IssueCode]) -> int:
    """The bits of ``codes`` in a stored hygiene item's ``code_mask``."""
    mask = 0
    for code in codes:
        mask |= _CODE_BIT[code]
    return mask
