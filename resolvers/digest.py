"""The weekly digest of one business: cash, runway, a 13-week outlook, what is due and owed.

It reads the business's assessment (``resolvers.assessment``) for the digest's day and adds only
what is the digest's own: the week's frame, the top lists, and the mirror's freshness at the
moment it is read.
"""

from dataclasses import dataclass
from datetime import date, datetime

from domains.banking.models import Account
from domains.core.models import Business
from resolvers.assessment import BusinessAssessment, assess_business
from resolvers.loaders import Loaders
from resolvers.rules.alerts import Alert, freshness_alerts, merged
from resolvers.rules.bills import BillAssessment
from resolvers.rules.cashflow import BANK_ACCOUNT_TYPE
from resolvers.rules.collections import InvoiceAssessment
from resolvers.rules.dates import week_end, week_start
from resolvers.rules.freshness import MirrorFreshness, mirror_freshness
from resolvers.rules.runway import headline
from resolvers.thresholds import Thresholds

TOP_ITEMS = 5
"""How many bills due this week and overdue invoices the digest lists."""


@dataclass(frozen=True)
class Digest:
    """One business's week, Monday to Sunday, as of a day in it."""

    business: Business
    week_start: date
    week_end: date
    generated_at: datetime
    assessment: BusinessAssessment
    """The figures: runway and status, forecast, payables, receivables, hygiene, decisions."""
    bank_accounts: list[Account]
    alerts: tuple[Alert, ...]
    """The books' alerts and the mirror's freshness alerts, CRITICAL first."""
    bills_due_this_week: list[BillAssessment]
    overdue_invoices: list[InvoiceAssessment]
    freshness: MirrorFreshness
    recipients: list[str]

    @property
    def as_of(self) -> date:
        return self.assessment.as_of

    @property
    def headline(self) -> str:
        """The figure behind the status, as the e-mail's subject says it."""
        return headline(self.assessment.cash.runway)


def digest_as_of(week_of: date | None, today: date) -> date:
    """The day a digest is computed as of: today in the current week, else its week's Monday."""
    if week_of is None or week_start(week_of) == week_start(today):
        return today
    return week_start(week_of)


async def digest(
    loaders: Loaders,
    business: Business,
    *,
    today: date,
    week_of: date | None,
    now: datetime,
    thresholds: Thresholds,
) -> Digest:
    """The digest for the week containing ``week_of`` (default: this week)."""
    as_of = digest_as_of(week_of, today)
    assessment = await assess_business(loaders, business, as_of=as_of, thresholds=thresholds)
    freshness = mirror_freshness(business.last_synced_at, now=now, thresholds=thresholds)
    sunday = week_end(as_of)
    return Digest(
        business=business,
        week_start=week_start(as_of),
        week_end=sunday,
        generated_at=now,
        assessment=assessment,
        bank_accounts=[
            account
            for account in assessment.cash.accounts
            if account.account_type == BANK_ACCOUNT_TYPE
            and account.active
            and account.deleted_at is None
        ],
        alerts=merged(assessment.alerts, freshness_alerts(freshness)),
        bills_due_this_week=[b for b in assessment.bills if as_of <= b.due_date <= sunday][
            :TOP_ITEMS
        ],
        overdue_invoices=[i for i in assessment.invoices if i.days_overdue > 0][:TOP_ITEMS],
        freshness=freshness,
        recipients=[business.company_email] if business.company_email else [],
    )
