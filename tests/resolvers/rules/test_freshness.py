from datetime import timedelta

from resolvers.rules.freshness import MirrorFreshness, mirror_freshness
from tests.resolvers.rules.rows import (
    DEFAULTS,
    NOW,
)


def test_freshness_flags_more_than_24_hours() -> None:
    exactly = mirror_freshness(NOW - timedelta(hours=24), now=NOW, thresholds=DEFAULTS)
    assert exactly == MirrorFreshness(NOW - timedelta(hours=24), timedelta(hours=24), False)
    older = mirror_freshness(NOW - timedelta(hours=24, seconds=1), now=NOW, thresholds=DEFAULTS)
    assert older.stale
    assert mirror_freshness(None, now=NOW, thresholds=DEFAULTS) == MirrorFreshness(None, None, True)
