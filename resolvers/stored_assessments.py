"""Reading stored assessments, computing the stale ones first: the views' one way to their data.

A request asks for a business's assessment of a day (its today, or an explicit ``asOf``). The
stored one serves when it was computed from the business's current ``data_version`` and the
current thresholds; otherwise this business (and every other stale one the request asked for in
the same batch) is computed and stored first, so an answer is never older than the data even
when the assessment job is behind. Computing is the ``Refresher``'s: inline here, or on a
worker thread of its own in the server (``app.assessment_runner``), so the event loop keeps
answering other requests meanwhile. A request whose refresh joined a computation already in flight
that read the books before they changed computes once more: it never serves an assessment older
than the data it saw.
"""

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domains.assessments import queries as assessment_queries
from domains.assessments.models import Assessment
from domains.assessments.queries import AssessmentKey
from domains.core.models import Business
from resolvers.assessment import assess_business
from resolvers.assessment_records import (
    DETAIL,
    SUMMARY,
    AssessmentDetail,
    AssessmentSummary,
    new_assessment,
    thresholds_key,
)
from resolvers.clock import utc_now
from resolvers.errors import NotFound
from resolvers.loaders import Loaders, Refresher
from resolvers.thresholds import Thresholds

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredAssessment:
    """A stored assessment as the views read it: its headline, and where its records are."""

    id: int
    business_id: int
    as_of: date
    computed_at: datetime
    summary: AssessmentSummary

    @classmethod
    def from_row(cls, row: Assessment) -> "StoredAssessment":
        assert row.id is not None
        return cls(
            row.id,
            row.business_id,
            row.as_of,
            row.computed_at,
            SUMMARY.validate_python(row.summary),
        )


def is_current(row: Assessment | None, business: Business, key: str) -> bool:
    """Whether a stored assessment reflects the business's data and these thresholds."""
    return (
        row is not None
        and row.data_version >= business.data_version
        and (row.thresholds_key == key)
    )


async def refresh_assessments(
    sessions: async_sessionmaker[AsyncSession],
    keys: Sequence[AssessmentKey],
    *,
    thresholds: Thresholds,
    now: datetime,
) -> dict[AssessmentKey, Exception]:
    """Compute and store the assessments of ``keys`` as one batch (one loader set, so one
    statement per table whatever the number of businesses); returns the ones that failed.

    A business whose rules raise is left out (and logged): the others are stored.
    """
    if not keys:
        return {}
    loaders = Loaders(sessions, {business_id for business_id, _ in keys})
    # Each business's data version is read before its rows, so what is stored never claims
    # newer data than it was computed from.
    businesses = await loaders.business_by_id.load_many([business_id for business_id, _ in keys])
    present = [
        (business, as_of)
        for business, (_, as_of) in zip(businesses, keys, strict=True)
        if business is not None
    ]
    results = await asyncio.gather(
        *(
            assess_business(loaders, business, as_of=as_of, thresholds=thresholds)
            for business, as_of in present
        ),
        return_exceptions=True,
    )
    failures: dict[AssessmentKey, Exception] = {}
    rows = []
    for (business, as_of), result in zip(present, results, strict=True):
        assert business.id is not None
        if isinstance(result, Exception):
            logger.error(
                "assessment of business %s as of %s failed", business.id, as_of, exc_info=result
            )
            failures[(business.id, as_of)] = result
            continue
        if isinstance(result, BaseException):  # a cancellation: not this business's fault
            raise result
        rows.append(
            new_assessment(
                result,
                data_version=business.data_version,
                thresholds=thresholds,
                computed_at=now,
            )
        )
    async with sessions.begin() as session:
        await assessment_queries.replace_assessments(session, assessments=rows)
    return failures


def inline_refresher(
    sessions: async_sessionmaker[AsyncSession], clock: Callable[[], datetime]
) -> Refresher:
    """A refresher that computes in the calling task (tests, the CLI, one-off scripts)."""

    async def refresh(
        keys: Sequence[AssessmentKey], thresholds: Thresholds
    ) -> dict[AssessmentKey, Exception]:
        return await refresh_assessments(sessions, keys, thresholds=thresholds, now=clock())

    return refresh


class FreshAssessments(DataLoader[AssessmentKey, StoredAssessment | None]):
    """The current stored assessment of each (business, day), computing the stale ones first.

    ``None`` for a business the caller may not see (or that doesn't exist).
    """

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        businesses: DataLoader[int, Business | None],
        stored: DataLoader[AssessmentKey, Assessment | None],
        thresholds: Thresholds,
        refresher: Refresher,
    ) -> None:
        super().__init__()
        self._sessions = sessions
        self._businesses = businesses
        self._stored = stored
        self._thresholds = thresholds
        self._key = thresholds_key(thresholds)
        self._refresher = refresher

    async def batch_load_fn(self, keys: Sequence[AssessmentKey]) -> list[StoredAssessment | None]:
        businesses = await self._businesses.load_many([business_id for business_id, _ in keys])
        rows = list(await self._stored.load_many(list(keys)))
        stale = [
            key
            for key, business, row in zip(keys, businesses, rows, strict=True)
            if business is not None and not is_current(row, business, self._key)
        ]
        failures: dict[AssessmentKey, Exception] = {}
        if stale:
            business_of = {
                key: business
                for key, business in zip(keys, businesses, strict=True)
                if business is not None
            }
            failures.update(await self._refresher(stale, self._thresholds))
            by_key = await self._reread(stale)
            # The refresher may have joined a computation already in flight (the runner's single
            # flight) that read the books before they changed: compute what is still behind the
            # data this request saw once more, so no answer is older than it.
            behind = [
                key
                for key in stale
                if key not in failures
                and key in by_key
                and not is_current(by_key[key], business_of[key], self._key)
            ]
            if behind:
                failures.update(await self._refresher(behind, self._thresholds))
                by_key.update(await self._reread(behind))
            rows = [by_key.get(key, row) for key, row in zip(keys, rows, strict=True)]
        # aiodataloader fails the keys whose value is an exception, and only those.
        return [
            failures[key]  # type: ignore[misc]
            if key in failures
            else StoredAssessment.from_row(row)
            if business is not None and row is not None
            else None
            for key, business, row in zip(keys, businesses, rows, strict=True)
        ]

    async def _reread(self, keys: Sequence[AssessmentKey]) -> dict[AssessmentKey, Assessment]:
        """The stored assessments of ``keys`` as they are now (and this loader set's cache)."""
        async with self._sessions() as session:
            fresh = await assessment_queries.list_assessments(session, keys=set(keys))
        by_key = {(row.business_id, row.as_of): row for row in fresh}
        for key in keys:
            self._stored.clear(key)
            if key in by_key:
                self._stored.prime(key, by_key[key])
        return by_key


def detail_of(payload: dict[str, object]) -> AssessmentDetail:
    """A stored assessment's digest detail."""
    return DETAIL.validate_python(payload)


async def current_assessment(
    loaders: Loaders, business: Business, *, as_of: date, thresholds: Thresholds
) -> StoredAssessment:
    """The business's assessment of ``as_of``, computed first if the stored one is stale."""
    assert business.id is not None

    async def build() -> FreshAssessments:
        return FreshAssessments(
            sessions=loaders.sessions,
            businesses=loaders.business_by_id,
            stored=loaders.assessments,
            thresholds=thresholds,
            refresher=loaders.refresher or inline_refresher(loaders.sessions, utc_now),
        )

    if loaders.allowed_ids is not None and business.id not in loaders.allowed_ids:
        raise NotFound("Business")  # another tenant's row, however the caller came by it
    fresh = await loaders.memo(("fresh_assessments", thresholds_key(thresholds)), build)
    loaders.business_by_id.prime(business.id, business)  # the caller's row: no second read
    found = await fresh.load((business.id, as_of))
    if found is None:
        raise NotFound("Business")
    return found
