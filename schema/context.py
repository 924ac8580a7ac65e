"""The per-request context every resolver receives: caller, sessions, fresh loaders, rules."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.types import Info as StrawberryInfo

from domains.access.queries import Caller
from domains.core.models import SyncRun
from domains.digests.models import DigestRun
from resolvers.clock import utc_now
from resolvers.digest_runs import DigestRequest
from resolvers.loaders import Loaders, Refresher
from resolvers.stored_assessments import inline_refresher
from resolvers.thresholds import Thresholds

SyncRequester = Callable[[int, bool, str], Awaitable[SyncRun]]
"""Runs a sync of (business id, full, requested by) and returns its recorded run (wired by app/)."""

DigestRequester = Callable[[DigestRequest], Awaitable[DigestRun]]
"""Creates a digest run and has it worked; raises ``DeliveryUnavailable`` (wired by app/)."""


@dataclass
class Context:
    """What resolvers may use. Without a caller no business is visible at all."""

    sessions: async_sessionmaker[AsyncSession]
    caller: Caller | None
    thresholds: Thresholds = field(default_factory=Thresholds)
    qbo_app_url: str = field(kw_only=True)
    clock: Callable[[], datetime] = utc_now
    auth_problem: str | None = None
    request_sync: SyncRequester | None = None
    request_digests: DigestRequester | None = None
    refresher: Refresher | None = None
    """How stale assessments are computed (the server's thread); ``None``: in the request."""
    books_changed: Callable[[int], None] | None = None
    """Told the business whose books a mutation changed (the server wakes its assessment job)."""
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        if self.refresher is None:
            self.refresher = inline_refresher(self.sessions, self.clock)
        self.loaders = Loaders(self.sessions, self.allowed_business_ids, refresher=self.refresher)

    @property
    def allowed_business_ids(self) -> frozenset[int] | None:
        """The caller's businesses; ``None`` means all of them (an all-businesses token)."""
        if self.caller is None:
            return frozenset()
        return self.caller.business_ids


Info = StrawberryInfo[Context, None]
