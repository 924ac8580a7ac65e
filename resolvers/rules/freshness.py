"""Whether the mirror is fresh enough to trust: when it last synced, and if that is too long ago."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from resolvers.thresholds import Thresholds


@dataclass(frozen=True)
class MirrorFreshness:
    """When the mirror last synced, and whether that is too long ago to trust."""

    last_synced_at: datetime | None
    age: timedelta | None
    stale: bool
    """Never synced, or synced more than ``stale_mirror_hours`` (24) ago (exactly 24 h is fresh)."""


def mirror_freshness(
    last_synced_at: datetime | None, *, now: datetime, thresholds: Thresholds
) -> MirrorFreshness:
    """How fresh the mirror is at ``now`` (aware datetimes; the caller passes the clock)."""
    if last_synced_at is None:
        return MirrorFreshness(None, None, True)
    age = now - last_synced_at
    return MirrorFreshness(
        last_synced_at, age, age > timedelta(hours=thresholds.stale_mirror_hours)
    )
