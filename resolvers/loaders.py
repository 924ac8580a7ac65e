"""The set of loaders one request (or one digest batch) shares, scoped to the caller's businesses.

Built fresh per request so nothing cached outlives it or crosses tenants. Windowed loaders
(money moved since a date) are memoised per window, so every business asking for the same window
shares one statement; whole-view results are memoised too, so a request that asks for a
business's hygiene, decisions and digest computes each once.
"""

import asyncio
from collections.abc import Awaitable, Callable, Collection, Hashable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domains.ap import loaders as ap_loaders
from domains.ap.models import Bill, BillLine, BillPayment, Vendor
from domains.ar import loaders as ar_loaders
from domains.ar.models import Customer, Invoice, Payment
from domains.assessments import loaders as assessment_loaders
from domains.assessments.queries import AssessmentKey
from domains.banking import loaders as banking_loaders
from domains.banking.models import Account, Purchase
from domains.core import loaders as core_loaders
from domains.core.models import SyncRun, Term
from domains.decisions import loaders as decisions_loaders
from domains.decisions.models import BillDecision
from domains.row_loaders import RowsByBusiness, RowsById, rows_since
from resolvers.thresholds import Thresholds

T = TypeVar("T")


Refresher = Callable[
    [Sequence[AssessmentKey], Thresholds], Awaitable[Mapping[AssessmentKey, Exception]]
]
"""Computes and stores the assessments of (business, day) keys, and says which failed and why
(``resolvers.stored_assessments`` computes inline; the server hands the work to a thread of its
own, ``app.assessment_runner``). One business failing never stops the others."""


class Loaders:
    """Every loader the orchestrators use, for the businesses in ``allowed_ids`` (``None``: all)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        allowed_ids: Collection[int] | None,
        *,
        refresher: Refresher | None = None,
    ) -> None:
        """Args:
        refresher: how stale assessments get computed; ``None``: inline, in the caller's task.
        """
        self.sessions = sessions
        self.allowed_ids = None if allowed_ids is None else frozenset(allowed_ids)
        self.refresher = refresher
        allowed = self.allowed_ids
        self.business_by_id = core_loaders.BusinessByIdLoader(sessions, allowed)
        self.terms: RowsByBusiness[Term] = core_loaders.terms(sessions, allowed)
        self.bills: RowsByBusiness[Bill] = ap_loaders.bills_under_review(sessions, allowed)
        self.bill_lines: RowsByBusiness[BillLine] = ap_loaders.lines_of_bills_under_review(
            sessions, allowed
        )
        self.vendors: RowsByBusiness[Vendor] = ap_loaders.vendors(sessions, allowed)
        self.invoices: RowsByBusiness[Invoice] = ar_loaders.invoices_under_review(sessions, allowed)
        self.customers: RowsByBusiness[Customer] = ar_loaders.customers(sessions, allowed)
        self.accounts: RowsByBusiness[Account] = banking_loaders.accounts(sessions, allowed)
        self.bill_decisions: RowsByBusiness[BillDecision] = decisions_loaders.bill_decisions(
            sessions, allowed
        )
        self.bill_by_id: RowsById[Bill] = RowsById(sessions, allowed, Bill)
        self.invoice_by_id: RowsById[Invoice] = RowsById(sessions, allowed, Invoice)
        self.vendor_by_id: RowsById[Vendor] = RowsById(sessions, allowed, Vendor)
        self.customer_by_id: RowsById[Customer] = RowsById(sessions, allowed, Customer)
        self.bill_decision_by_id: RowsById[BillDecision] = RowsById(sessions, allowed, BillDecision)
        self.sync_run_by_id: RowsById[SyncRun] = RowsById(sessions, allowed, SyncRun)
        self.assessments = assessment_loaders.AssessmentsByKey(sessions, allowed)
        self.assessment_details = assessment_loaders.DetailsById(sessions)
        self.assessment_pages = assessment_loaders.Pages(sessions)
        self.assessment_counts = assessment_loaders.Counts(sessions)
        self.item_totals = assessment_loaders.ItemTotals(sessions)
        self.bill_totals = assessment_loaders.BillTotals(sessions)
        self.invoice_totals = assessment_loaders.InvoiceTotals(sessions)
        self._windows: dict[tuple[str, date], RowsByBusiness[Any]] = {}
        self._results: dict[Hashable, asyncio.Future[Any]] = {}

    def _window(
        self, name: str, since: date, build: Callable[[], RowsByBusiness[T]]
    ) -> RowsByBusiness[T]:
        key = (name, since)
        if key not in self._windows:
            self._windows[key] = build()
        return cast(RowsByBusiness[T], self._windows[key])

    def bill_payments_since(self, since: date) -> RowsByBusiness[BillPayment]:
        return self._window(
            "bill_payments",
            since,
            lambda: rows_since(BillPayment, self.sessions, self.allowed_ids, since),
        )

    def payments_since(self, since: date) -> RowsByBusiness[Payment]:
        return self._window(
            "payments", since, lambda: rows_since(Payment, self.sessions, self.allowed_ids, since)
        )

    def purchases_since(self, since: date) -> RowsByBusiness[Purchase]:
        return self._window(
            "purchases", since, lambda: rows_since(Purchase, self.sessions, self.allowed_ids, since)
        )

    def settlements_since(self, since: date) -> RowsByBusiness[Any]:
        return self._window(
            "settlements",
            since,
            lambda: ar_loaders.settlements_since(self.sessions, self.allowed_ids, since),
        )

    async def memo(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        """Compute a view once per key within this loader set; concurrent callers share it."""
        future = self._results.get(key)
        if future is None:
            future = asyncio.ensure_future(compute())
            self._results[key] = future
        return cast(T, await future)
