"""The weekly digest of one business: cash, runway, a 13-week outlook, what is due and owed.

It reads the business's stored assessment for the digest's day (``resolvers.stored_assessments``)
and adds only what is the digest's own: the week's frame and the mirror's freshness at the
moment it is read.
"""

from dataclasses import dataclass
from datetime import date, datetime

from domains.core.models import Business
from resolvers.assessment_records import AssessmentDetail, AssessmentSummary
from resolvers.loaders import Loaders
from resolvers.rules.alerts import Alert, freshness_alerts, merged
from resolvers.rules.dates import week_end, week_start
from resolvers.rules.freshness import MirrorFreshness, mirror_freshness
from resolvers.rules.runway import headline
from resolvers.stored_assessments import current_assessment, detail_of
from resolvers.thresholds import Thresholds


@dataclass(frozen=True)
class Digest:
    """One business's week, Monday to Sunday, as of a day in it."""

    business: Business
    week_start: date
    week_end: date
    as_of: date
    generated_at: datetime
    assessed_at: datetime
    summary: AssessmentSummary
    """The runway and status, the hygiene and decision totals, the pay plan."""
    detail: AssessmentDetail
    """The forecast, payables, receivables, top lists and actions, bank accounts."""
    alerts: tuple[Alert, ...]
    """The books' alerts and the mirror's freshness alerts, CRITICAL first."""
    freshness: MirrorFreshness
    recipients: list[str]

    @property
    def headline(self) -> str:
        """The figure behind the status, as the e-mail's subject says it."""
        return headline(self.summary.runway)


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
    stored = await current_assessment(loaders, business, as_of=as_of, thresholds=thresholds)
    detail = detail_of(await loaders.assessment_details.load(stored.id))
    freshness = mirror_freshness(business.last_synced_at, now=now, thresholds=thresholds)
    return Digest(
        business=business,
        week_start=week_start(as_of),
        week_end=week_end(as_of),
        as_of=as_of,
        generated_at=now,
        assessed_at=stored.computed_at,
        summary=stored.summary,
        detail=detail,
        alerts=merged(detail.alerts, freshness_alerts(freshness)),
        freshness=freshness,
        recipients=[business.company_email] if business.company_email else [],
    )
