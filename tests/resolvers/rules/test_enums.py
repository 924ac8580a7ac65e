from resolvers.rules.enums import CAN_DELAY_SIGNALS, MUST_PAY_SIGNALS, DigestStatus, Signal


def test_digest_status_rank() -> None:
    assert DigestStatus.HEALTHY.rank < DigestStatus.WARNING.rank < DigestStatus.CRITICAL.rank


def test_signal_families_are_disjoint_and_complete() -> None:
    assert not MUST_PAY_SIGNALS & CAN_DELAY_SIGNALS
    assert set(Signal) == MUST_PAY_SIGNALS | CAN_DELAY_SIGNALS | {Signal.TAKE_DISCOUNT}
