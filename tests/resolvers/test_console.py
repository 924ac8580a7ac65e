"""The decision console orchestrator (``resolvers.console``) without GraphQL.

``decision_console`` over the hand-built books, then ``bills_page`` and ``collections_page`` over
its result: the same figures as the GraphQL tests (``tests.handbuilt.figures``). The last tests
read Cinder Forge, the business in a cash crunch (``tests.handbuilt.cinder_forge_figures``).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from domains.core.models import Business
from resolvers.bill_decisions import record_bill_decision
from resolvers.console import DecisionConsole, DecisionFilter, decision_console
from resolvers.errors import InvalidPageRequest, NotFound
from resolvers.loaders import Loaders
from resolvers.rules.bills import BillAssessment
from resolvers.rules.collections import InvoiceAssessment
from resolvers.rules.console_summary import DecisionSummary
from resolvers.rules.enums import (
    BillAction,
    BillGroup,
    DecisionAction,
    DigestStatus,
    StatusBasis,
    Urgency,
)
from resolvers.thresholds import Thresholds
from tests.conftest import Database
from tests.factories import land_companies
from tests.handbuilt import cinder_forge_figures as cinder
from tests.handbuilt.company import NOW, TODAY, other_company
from tests.handbuilt.figures import COLLECTIONS, READY_BILLS


@dataclass(frozen=True)
class Shown:
    """A console and everything it shows, read in full."""

    view: DecisionConsole
    bills: list[BillAssessment]
    invoices: list[InvoiceAssessment]
    summary: DecisionSummary


async def console(
    loaders: Loaders,
    business: Business,
    wanted: DecisionFilter | None = None,
    *,
    as_of: date = TODAY,
) -> Shown:
    view = await decision_console(
        loaders, business, as_of=as_of, thresholds=Thresholds(), wanted=wanted or DecisionFilter()
    )
    bills = await view.bills_page(group=None, first=500, after=None)
    invoices = await view.collections_page(first=500, after=None)
    return Shown(view, bills.items, invoices.items, await view.summary())


def bill_row(bill: BillAssessment) -> tuple[Any, ...]:
    """A bill as ``READY_BILLS`` spells it (enums compare equal to their names)."""
    return (
        bill.qbo_id,
        bill.group,
        bill.action,
        list(bill.signals),
        bill.priority,
        bill.due_date.isoformat(),
        bill.days_until_due,
        bill.urgency,
        bill.latest_safe_pay_date.isoformat(),
        bill.recommended_pay_date.isoformat(),
        str(bill.runway_impact_days),
        bill.critical_vendor,
    )


def collection_row(invoice: InvoiceAssessment) -> tuple[Any, ...]:
    """An invoice as ``COLLECTIONS`` spells it."""
    return (
        invoice.qbo_id,
        invoice.priority,
        invoice.action,
        invoice.days_overdue,
        invoice.urgency,
        invoice.aging_bucket,
        invoice.contact_email,
        invoice.expected_collection_date.isoformat(),
        str(invoice.runway_impact_days),
        str(invoice.amount),
    )


def qbo_ids(rows: list[BillAssessment] | list[InvoiceAssessment]) -> list[str]:
    return [row.qbo_id for row in rows]


async def test_ready_bills_and_invoices_are_ranked_with_their_recommendation(
    loaders: Loaders, harborview_business: Business
) -> None:
    result = await console(loaders, harborview_business)

    assert [bill_row(bill) for bill in result.bills] == READY_BILLS
    assert [collection_row(invoice) for invoice in result.invoices] == COLLECTIONS
    assert (result.view.business.id, result.view.as_of) == (harborview_business.id, TODAY)


async def test_cash_runway_and_totals(loaders: Loaders, harborview_business: Business) -> None:
    result = await console(loaders, harborview_business)
    runway = result.view.runway

    assert (runway.cash, runway.weekly_net_burn, runway.runway_weeks) == (
        Decimal("42000.00"),
        Decimal("1400.00"),
        Decimal("30.0"),
    )
    # 30 weeks at the trailing burn, but the forecast goes below zero on 12-21: WARNING, and
    # covered until the day before.
    assert (runway.runway_status, runway.forecast_status) == (
        DigestStatus.HEALTHY,
        DigestStatus.WARNING,
    )
    assert (runway.status, runway.cash_zero_date, runway.covered_until) == (
        DigestStatus.WARNING,
        date(2026, 12, 21),
        date(2026, 12, 20),
    )
    assert result.summary == DecisionSummary(
        must_pay_count=4,
        must_pay_amount=Decimal("9400.00"),  # 4000 + 1500 + 3000 + 900
        can_delay_count=1,
        can_delay_amount=Decimal("80.00"),  # 104
        scheduled_count=2,
        scheduled_amount=Decimal("8500.00"),  # 107 (early, for the discount) + 105 (on time)
        to_collect_count=4,
        to_collect_amount=Decimal("12500.00"),  # 5000 + 2000 + 3000 + 2500
        discount_savings=Decimal("100.00"),
    )


@pytest.mark.parametrize(
    ("wanted", "bills", "invoices"),
    [
        pytest.param(  # 116 is due in exactly 31 days: in with a 31-day horizon
            DecisionFilter(horizon_days=31),
            ["102", "101", "116", "106", "103", "107", "105", "104"],
            ["202", "203", "201", "205"],
            id="horizon-31",
        ),
        pytest.param(
            DecisionFilter(horizon_days=3),
            ["102", "101", "103"],
            ["202", "203", "201", "205"],
            id="horizon-3",
        ),
        pytest.param(
            DecisionFilter(min_amount=Decimal("3000")),
            ["102", "106", "107", "105"],
            ["202", "201"],
            id="min-amount",
        ),
        pytest.param(  # Gusto Payroll; a vendor filter is about bills only
            DecisionFilter(vendor_qbo_ids=frozenset({"52"})), ["102", "106"], [], id="vendor"
        ),
        pytest.param(
            DecisionFilter(actions=frozenset({BillAction.DELAY})),
            ["104"],
            ["202", "203", "201", "205"],
            id="actions",
        ),
        pytest.param(
            DecisionFilter(urgencies=frozenset({Urgency.OVERDUE})),
            ["101"],
            ["202", "203", "201"],
            id="urgency",
        ),
        pytest.param(
            DecisionFilter(groups=frozenset({BillGroup.CAN_DELAY, BillGroup.SCHEDULED})),
            ["107", "105", "104"],
            ["202", "203", "201", "205"],
            id="groups",
        ),
    ],
)
async def test_filters_narrow_the_console(
    loaders: Loaders,
    harborview_business: Business,
    wanted: DecisionFilter,
    bills: list[str],
    invoices: list[str],
) -> None:
    result = await console(loaders, harborview_business, wanted)

    assert qbo_ids(result.bills) == bills
    assert qbo_ids(result.invoices) == invoices
    assert result.summary.must_pay_count == sum(b.group is BillGroup.MUST_PAY for b in result.bills)


async def test_a_wider_horizon_does_not_rescore_the_bills(
    loaders: Loaders, harborview_business: Business
) -> None:
    default = {b.qbo_id: b.priority for b in (await console(loaders, harborview_business)).bills}
    wider = await console(loaders, harborview_business, DecisionFilter(horizon_days=31))

    assert {b.qbo_id: b.priority for b in wider.bills if b.qbo_id in default} == default
    irs = next(b for b in wider.bills if b.qbo_id == "116")
    assert (irs.priority, irs.group, irs.recommended_pay_date) == (
        50,  # 0 (due at the horizon) + 30 (size, capped) + 20 (critical: tax)
        BillGroup.MUST_PAY,
        date(2026, 12, 18),
    )


async def test_bill_pages_continue_from_their_cursor_within_a_group(
    loaders: Loaders, harborview_business: Business
) -> None:
    result = await console(loaders, harborview_business)

    first = await result.view.bills_page(group=None, first=2, after=None)
    second = await result.view.bills_page(group=None, first=2, after=first.cursors[-1])
    rest = await result.view.bills_page(group=None, first=500, after=second.cursors[-1])
    can_delay = await result.view.bills_page(group=BillGroup.CAN_DELAY, first=1, after=None)
    can_delay_next = await result.view.bills_page(
        group=BillGroup.CAN_DELAY, first=1, after=can_delay.cursors[0]
    )

    assert [qbo_ids(p.items) for p in (first, second, rest)] == [
        ["102", "101"],
        ["106", "103"],
        ["107", "105", "104"],
    ]
    assert (first.total_count, first.has_next_page, first.has_previous_page) == (7, True, False)
    assert (second.has_next_page, second.has_previous_page) == (True, True)
    assert rest.has_next_page is False
    assert (qbo_ids(can_delay.items), can_delay.total_count) == (["104"], 1)
    assert (qbo_ids(can_delay_next.items), can_delay_next.has_next_page) == ([], False)


async def test_collection_pages_continue_from_their_cursor(
    loaders: Loaders, harborview_business: Business
) -> None:
    result = await console(loaders, harborview_business)

    first = await result.view.collections_page(first=3, after=None)
    second = await result.view.collections_page(first=3, after=first.cursors[-1])

    assert (qbo_ids(first.items), first.total_count, first.has_next_page) == (
        ["202", "203", "201"],
        4,
        True,
    )
    assert (qbo_ids(second.items), second.has_next_page, second.has_previous_page) == (
        ["205"],
        False,
        True,
    )


async def test_a_cursor_of_one_connection_is_refused_by_the_other(
    loaders: Loaders, harborview_business: Business
) -> None:
    result = await console(loaders, harborview_business)
    bill_cursor = (await result.view.bills_page(group=None, first=1, after=None)).cursors[0]
    invoice_cursor = (await result.view.collections_page(first=1, after=None)).cursors[0]

    with pytest.raises(InvalidPageRequest, match="not a cursor of this connection"):
        await result.view.collections_page(first=1, after=bill_cursor)
    with pytest.raises(InvalidPageRequest, match="not a cursor of this connection"):
        await result.view.bills_page(group=None, first=1, after=invoice_cursor)
    with pytest.raises(InvalidPageRequest, match="'first' must be between 0 and 500"):
        await result.view.bills_page(group=None, first=501, after=None)


async def test_as_of_a_later_day_moves_bills_and_invoices(
    loaders: Loaders, harborview_business: Business
) -> None:
    later = await console(loaders, harborview_business, as_of=date(2026, 12, 11))
    bills = {b.qbo_id: b for b in later.bills}
    invoices = {i.qbo_id: i for i in later.invoices}

    assert later.view.as_of == date(2026, 12, 11)
    assert (bills["103"].days_until_due, bills["103"].urgency) == (-18, Urgency.OVERDUE)
    assert (invoices["201"].days_overdue, invoices["201"].action) == (31, "ESCALATE")


async def test_a_recorded_decision_schedules_its_bill(
    database: Database, loaders: Loaders, harborview_business: Business
) -> None:
    before = {b.qbo_id: b for b in (await console(loaders, harborview_business)).bills}
    await record_bill_decision(
        loaders,
        database.sessions,
        bill_id=before["105"].bill_id,
        action=DecisionAction.DELAY_TO,
        day=TODAY + timedelta(days=47),
        note=None,
        decided_by="ops",
        now=NOW,
    )
    fresh = Loaders(database.sessions, [harborview_business.id or 0])  # the next request
    reloaded = await fresh.business_by_id.load(harborview_business.id or 0)
    assert reloaded is not None

    after = {b.qbo_id: b for b in (await console(fresh, reloaded)).bills}

    assert (before["105"].group, before["105"].action) == (
        BillGroup.SCHEDULED,
        BillAction.SCHEDULE,
    )
    assert (after["105"].group, after["105"].decided_action, after["105"].decided_for) == (
        BillGroup.SCHEDULED,
        "DELAY_TO",
        date(2027, 1, 6),
    )
    # The decision sets the action and the date, and the last reason says who decided.
    assert (after["105"].action, after["105"].recommended_pay_date) == (
        BillAction.DELAY,
        date(2027, 1, 6),
    )
    assert after["105"].reasons[-1] == "ops decided to delay it to 2027-01-06"


async def test_loaders_scoped_to_another_business_see_none_of_its_rows(
    database: Database, harborview_business: Business
) -> None:
    [other] = await land_companies(database.sessions, [other_company()], synced_at=NOW)

    # Harborview's row in hand, through loaders of another business: as if it didn't exist.
    with pytest.raises(NotFound):
        await console(Loaders(database.sessions, [other]), harborview_business)


async def test_a_cash_crunch_is_critical_and_runs_out_on_the_forecasts_date(
    database: Database, crunch_business: Business
) -> None:
    assert crunch_business.id is not None
    result = await console(Loaders(database.sessions, [crunch_business.id]), crunch_business)
    runway = result.view.runway

    assert (runway.cash, runway.weekly_net_burn, runway.runway_weeks) == (
        Decimal(cinder.CASH),
        Decimal(cinder.WEEKLY_NET_BURN),
        Decimal(cinder.RUNWAY_WEEKS),
    )
    assert (runway.runway_status, runway.forecast_status, runway.status) == (
        DigestStatus.CRITICAL,
        DigestStatus.CRITICAL,
        DigestStatus.CRITICAL,
    )
    assert runway.status_basis is StatusBasis.FORECAST
    assert (runway.cash_zero_date, runway.covered_until) == (
        date.fromisoformat(cinder.CASH_ZERO_DATE),
        date.fromisoformat(cinder.COVERED_UNTIL),
    )
    assert runway.status_reason == cinder.STATUS_REASON
    assert [bill_row(bill) for bill in result.bills] == cinder.READY_BILLS
    assert {bill.qbo_id: list(bill.reasons) for bill in result.bills} == cinder.REASONS


async def test_a_cash_crunch_pay_plan_funds_must_pay_bills_in_order(
    database: Database, crunch_business: Business
) -> None:
    assert crunch_business.id is not None
    result = await console(Loaders(database.sessions, [crunch_business.id]), crunch_business)
    plan = result.view.pay_plan
    steps = (await result.view.pay_plan_page(first=500, after=None)).items

    assert [
        (step.bill.qbo_id, step.bill.amount, step.cash_after, step.funded) for step in steps
    ] == [
        (qbo_id, Decimal(amount), Decimal(cash_after), funded)
        for qbo_id, amount, cash_after, funded in cinder.PAY_PLAN_STEPS
    ]
    assert plan.cash == Decimal(cinder.CASH)
    assert (plan.must_pay_amount, plan.funded_count, plan.funded_amount, plan.shortfall) == (
        Decimal(cinder.MUST_PAY_AMOUNT),
        cinder.FUNDED_COUNT,
        Decimal(cinder.FUNDED_AMOUNT),
        Decimal(cinder.SHORTFALL),
    )
    assert plan.first_unfunded is not None
    assert plan.first_unfunded.qbo_id == cinder.FIRST_UNFUNDED


async def test_a_cash_crunch_pay_plan_does_not_follow_the_filter(
    database: Database, crunch_business: Business
) -> None:
    assert crunch_business.id is not None
    whole = await console(Loaders(database.sessions, [crunch_business.id]), crunch_business)
    narrowed = await console(
        Loaders(database.sessions, [crunch_business.id]),  # a request of its own
        crunch_business,
        DecisionFilter(groups=frozenset({BillGroup.CAN_DELAY})),
    )

    assert qbo_ids(narrowed.bills) == ["704"]
    assert narrowed.summary.must_pay_count == 0
    assert narrowed.view.pay_plan == whole.view.pay_plan
    steps = (await narrowed.view.pay_plan_page(first=500, after=None)).items
    assert [step.bill.qbo_id for step in steps] == ["701", "703", "702", "705"]
