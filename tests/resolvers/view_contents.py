"""What the three views show of one business, read in full, beside what the live rules say.

``shown`` reads the hygiene tray, the decision console and the digest the way a client would
(the orchestrators with a fresh loader set, every page with ``first=500`` and its cursors
followed, under a set of filters chosen from the business's own data). ``expected`` states the
same things from a fresh ``assess_business`` of the same day, with each filter written here as
the view's contract says it, in Python. Equal means the stored assessment is what the rules say.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domains.core.models import Business
from resolvers.assessment import BusinessAssessment, assess_business
from resolvers.assessment_records import (
    AssessmentDetail,
    AssessmentSummary,
    BankBalance,
    HygieneHeadline,
    PayPlanHeadline,
)
from resolvers.console import DecisionFilter, decision_console
from resolvers.digest import digest
from resolvers.hygiene import HygieneFilter, hygiene_tray
from resolvers.loaders import Loaders
from resolvers.pagination import Page
from resolvers.rules.bills import BillAssessment
from resolvers.rules.cashflow import BANK_ACCOUNT_TYPE
from resolvers.rules.collections import InvoiceAssessment
from resolvers.rules.console_summary import DecisionSummary, decision_summary
from resolvers.rules.dates import week_end
from resolvers.rules.enums import BillGroup
from resolvers.rules.hygiene.items import HygieneItem
from resolvers.rules.hygiene.report import HygieneCounts, counts_of
from resolvers.rules.money import ZERO, cents
from resolvers.rules.runway import RunwayFigures
from resolvers.thresholds import Thresholds

Sessions = async_sessionmaker[AsyncSession]
Item = TypeVar("Item")
TOP_ITEMS = 5
"""The digest's top lists: bills due this week, overdue invoices."""


@dataclass(frozen=True)
class TrayFilter:
    """A tray filter and the contract it states, as a predicate on one flagged record."""

    wanted: HygieneFilter
    keeps: Callable[[HygieneItem], bool]


@dataclass(frozen=True)
class ConsoleFilter:
    """A console filter and the contract it states, on one stored (decidable) bill and on one
    ready invoice."""

    wanted: DecisionFilter
    keeps_bill: Callable[[BillAssessment], bool]
    keeps_invoice: Callable[[InvoiceAssessment], bool]


@dataclass
class Contents:
    """Everything the views show of one business on one day."""

    tray: dict[int, tuple[list[HygieneItem], HygieneCounts]] = field(default_factory=dict)
    """Per tray filter (by position): its records in order and its counts."""
    headline: HygieneHeadline | None = None
    console: dict[int, tuple[dict[str | None, list[BillAssessment]], Any, DecisionSummary]] = field(
        default_factory=dict
    )
    """Per console filter: its bills per group (``None``: all), its invoices, its summary."""
    runway: RunwayFigures | None = None
    pay_plan: PayPlanHeadline | None = None
    pay_plan_steps: list[tuple[BillAssessment, Decimal]] = field(default_factory=list)
    digest_summary: AssessmentSummary | None = None
    digest_detail: AssessmentDetail | None = None


async def all_pages(
    read: Callable[[str | None, int], Awaitable[Page[Item]]], *, first: int = 500
) -> list[Item]:
    """Every item of a connection: pages of ``first``, each after the last one's cursor."""
    items: list[Item] = []
    after: str | None = None
    while True:
        page = await read(after, first)
        assert len(page.items) <= first
        assert page.has_previous_page == (after is not None)
        items += page.items
        assert page.total_count >= len(items)
        if not page.has_next_page:
            assert page.total_count == len(items)
            return items
        after = page.cursors[-1]


def tray_filters(live: BusinessAssessment) -> list[TrayFilter]:
    """The unfiltered tray, then filters chosen from the business's own flagged records."""
    items = live.hygiene.items
    found = [TrayFilter(HygieneFilter(), lambda item: True)]
    for entity_type in sorted({item.entity_type for item in items}):
        found.append(
            TrayFilter(
                HygieneFilter(entity_types=frozenset({entity_type})),
                lambda item, chosen=entity_type: item.entity_type is chosen,
            )
        )
    codes = sorted({issue.code for item in items for issue in item.issues})
    for code in codes[:4]:
        found.append(
            TrayFilter(
                HygieneFilter(codes=frozenset({code})),
                lambda item, chosen=code: any(issue.code is chosen for issue in item.issues),
            )
        )
    if len(codes) > 1:
        pair = frozenset(codes[-2:])
        found.append(
            TrayFilter(
                HygieneFilter(codes=pair),
                lambda item: any(issue.code in pair for issue in item.issues),
            )
        )
    for severity in sorted({item.severity for item in items}, key=lambda s: s.rank):
        found.append(
            TrayFilter(
                HygieneFilter(min_severity=severity),
                lambda item, chosen=severity: item.severity.rank >= chosen.rank,
            )
        )
    amounts = sorted(item.amount for item in items)
    if amounts:
        middle = amounts[len(amounts) // 2]
        found.append(
            TrayFilter(HygieneFilter(min_amount=middle), lambda item: item.amount >= middle)
        )
    named = [item for item in items if item.counterparty_name and item.counterparty_qbo_id]
    if named:
        party = named[len(named) // 2]
        assert party.counterparty_name is not None
        # Part of a name without spaces, in another case: "any case, any part".
        part = party.counterparty_name.split()[0][1:5].upper() or party.counterparty_name
        found.append(
            TrayFilter(
                HygieneFilter(counterparty=part),
                lambda item: (
                    part.casefold() in (item.counterparty_name or "").casefold()
                    or part.casefold() in item.label.casefold()
                ),
            )
        )
        ids = frozenset({party.counterparty_qbo_id or ""})
        found.append(
            TrayFilter(
                HygieneFilter(counterparty_qbo_ids=ids),
                lambda item: item.counterparty_qbo_id in ids,
            )
        )
    return found


def console_filters(live: BusinessAssessment) -> list[ConsoleFilter]:
    """The unfiltered console, then filters chosen from the business's own bills."""
    ready = live.ready_bills
    found = [ConsoleFilter(DecisionFilter(), lambda bill: bill.ready, lambda invoice: True)]
    found.append(
        ConsoleFilter(
            DecisionFilter(horizon_days=75),
            lambda bill: bill.days_until_due <= 75,  # every decidable one: ready or not
            lambda invoice: True,
        )
    )
    amounts = sorted(bill.amount for bill in ready)
    if amounts:
        middle = amounts[len(amounts) // 2]
        found.append(
            ConsoleFilter(
                DecisionFilter(min_amount=middle),
                lambda bill: bill.ready and bill.amount >= middle,
                lambda invoice: invoice.amount >= middle,
            )
        )
        vendors = frozenset({bill.vendor_qbo_id or "" for bill in ready[:2]})
        found.append(
            ConsoleFilter(
                DecisionFilter(vendor_qbo_ids=vendors),
                lambda bill: bill.ready and bill.vendor_qbo_id in vendors,
                lambda invoice: False,  # a vendor filter is about bills only
            )
        )
        actions = frozenset({ready[-1].action})
        found.append(
            ConsoleFilter(
                DecisionFilter(actions=actions),
                lambda bill: bill.ready and bill.action in actions,
                lambda invoice: True,
            )
        )
        urgencies = frozenset({ready[0].urgency})
        found.append(
            ConsoleFilter(
                DecisionFilter(urgencies=urgencies, groups=frozenset({ready[0].group})),
                lambda bill: (
                    bill.ready and bill.urgency in urgencies and bill.group is ready[0].group
                ),
                lambda invoice: invoice.urgency in urgencies,
            )
        )
    return found


async def shown(
    sessions: Sessions,
    business: Business,
    *,
    day: date,
    now: datetime,
    thresholds: Thresholds,
    trays: list[TrayFilter],
    consoles: list[ConsoleFilter],
    loaders: Loaders | None = None,
) -> Contents:
    """What the views show of ``business`` on ``day`` (one loader set, as one request)."""
    assert business.id is not None
    loaders = loaders or Loaders(sessions, [business.id])
    contents = Contents()
    for position, tray_filter in enumerate(trays):
        tray = await hygiene_tray(
            loaders,
            business,
            as_of=day,
            thresholds=thresholds,
            wanted=tray_filter.wanted,
            first=500,
            after=None,
        )
        contents.headline = tray.headline

        async def tray_page(
            after: str | None, first: int, wanted: HygieneFilter = tray_filter.wanted
        ) -> Page[HygieneItem]:
            following = await hygiene_tray(
                loaders,
                business,
                as_of=day,
                thresholds=thresholds,
                wanted=wanted,
                first=first,
                after=after,
            )
            return await following.page()

        contents.tray[position] = (await all_pages(tray_page), await tray.matching())
        if position == 0:  # small pages: the same records, cursor after cursor
            assert await all_pages(tray_page, first=3) == contents.tray[position][0]
    for position, console_filter in enumerate(consoles):
        console = await decision_console(
            loaders, business, as_of=day, thresholds=thresholds, wanted=console_filter.wanted
        )
        bills: dict[str | None, list[BillAssessment]] = {}
        for group in (None, *BillGroup):
            bills[None if group is None else group.value] = await all_pages(
                lambda after, first, group=group, console=console: console.bills_page(
                    group=group, first=first, after=after
                )
            )
        invoices = await all_pages(
            lambda after, first, console=console: console.collections_page(first=first, after=after)
        )
        if position == 0:  # small pages: the same bills and invoices, cursor after cursor
            assert (
                await all_pages(
                    lambda after, first, console=console: console.bills_page(
                        group=None, first=first, after=after
                    ),
                    first=2,
                )
                == bills[None]
            )
            assert (
                await all_pages(
                    lambda after, first, console=console: console.collections_page(
                        first=first, after=after
                    ),
                    first=2,
                )
                == invoices
            )
        contents.console[position] = (bills, invoices, await console.summary())
        contents.runway, contents.pay_plan = console.runway, console.pay_plan
        steps = await all_pages(
            lambda after, first, console=console: console.pay_plan_page(first=first, after=after)
        )
        contents.pay_plan_steps = [(step.bill, step.cash_after) for step in steps]
    weekly = await digest(
        loaders, business, today=day, week_of=None, now=now, thresholds=thresholds
    )
    assert (weekly.as_of, weekly.week_end) == (day, week_end(day))
    contents.digest_summary, contents.digest_detail = weekly.summary, weekly.detail
    return contents


async def live_assessment(
    sessions: Sessions, business: Business, *, day: date, thresholds: Thresholds
) -> BusinessAssessment:
    """The rules run fresh over the mirror: no stored assessment read."""
    assert business.id is not None
    return await assess_business(
        Loaders(sessions, [business.id]), business, as_of=day, thresholds=thresholds
    )


def expected(
    live: BusinessAssessment, *, trays: list[TrayFilter], consoles: list[ConsoleFilter]
) -> Contents:
    """What the views must show, stated from the live assessment and the filters' contracts."""
    contents = Contents()
    for position, tray_filter in enumerate(trays):
        chosen = [item for item in live.hygiene.items if tray_filter.keeps(item)]
        contents.tray[position] = (chosen, counts_of(chosen))
    headline = HygieneHeadline(
        score=live.hygiene.score,
        examined_count=live.hygiene.examined_count,
        counts=counts_of(live.hygiene.items),
    )
    contents.headline = headline
    decidable = [bill for bill in live.bills if bill.decidable]
    for position, console_filter in enumerate(consoles):
        bills = [bill for bill in decidable if console_filter.keeps_bill(bill)]
        invoices = [
            invoice for invoice in live.ready_invoices if console_filter.keeps_invoice(invoice)
        ]
        per_group: dict[str | None, list[BillAssessment]] = {None: bills}
        for group in BillGroup:
            per_group[group.value] = [bill for bill in bills if bill.group is group]
        contents.console[position] = (per_group, invoices, decision_summary(bills, invoices))
    plan = live.pay_plan
    contents.runway = live.cash.runway
    contents.pay_plan = PayPlanHeadline(
        cash=max(ZERO, plan.cash),
        must_pay_amount=cents(plan.must_pay_amount),
        funded_count=plan.funded_count,
        funded_amount=cents(plan.funded_amount),
        shortfall=cents(plan.shortfall),
        first_unfunded=plan.first_unfunded,
    )
    contents.pay_plan_steps = [(step.bill, step.cash_after) for step in plan.steps]
    contents.digest_summary = AssessmentSummary(
        hygiene=headline,
        runway=live.cash.runway,
        decisions=live.decisions,
        pay_plan=contents.pay_plan,
    )
    sunday = week_end(live.as_of)
    contents.digest_detail = AssessmentDetail(
        forecast=live.cash.forecast,
        payables=live.payables,
        receivables=live.receivables,
        alerts=live.alerts,
        top_actions=live.top_actions,
        bills_due_this_week=tuple(
            bill for bill in live.bills if live.as_of <= bill.due_date <= sunday
        )[:TOP_ITEMS],
        overdue_invoices=tuple(i for i in live.invoices if i.days_overdue > 0)[:TOP_ITEMS],
        bank_accounts=tuple(
            BankBalance(account.name, cents(account.current_balance or ZERO), account.qbo_id)
            for account in live.cash.accounts
            if account.account_type == BANK_ACCOUNT_TYPE
            and account.active
            and account.deleted_at is None
        ),
    )
    return contents


def assert_same(got: Contents, want: Contents) -> None:
    """Field by field, so a failure names the view and the filter that differ."""
    assert got.headline == want.headline, "tray headline"
    for position, (items, counts) in want.tray.items():
        got_items, got_counts = got.tray[position]
        assert [i.qbo_id for i in got_items] == [i.qbo_id for i in items], f"tray {position}"
        assert got_items == items, f"tray {position} items"
        assert got_counts == counts, f"tray {position} counts"
    for position, (bills, invoices, summary) in want.console.items():
        got_bills, got_invoices, got_summary = got.console[position]
        for group, chosen in bills.items():
            assert [b.qbo_id for b in got_bills[group]] == [b.qbo_id for b in chosen], (
                f"console {position} group {group}"
            )
            assert got_bills[group] == chosen, f"console {position} group {group} bills"
        assert got_invoices == invoices, f"console {position} invoices"
        assert got_summary == summary, f"console {position} summary"
    assert got.runway == want.runway, "runway"
    assert got.pay_plan == want.pay_plan, "pay plan"
    assert got.pay_plan_steps == want.pay_plan_steps, "pay plan steps"
    assert got.digest_summary == want.digest_summary, "digest summary"
    assert got.digest_detail == want.digest_detail, "digest detail"
