"""The closed vocabularies the rules speak in; each becomes a GraphQL enum under the same name."""

from enum import StrEnum


class EntityType(StrEnum):
    """The kind of record an issue or an action is about."""

    BILL = "BILL"
    INVOICE = "INVOICE"
    VENDOR = "VENDOR"
    CUSTOMER = "CUSTOMER"


class BillAction(StrEnum):
    """What the console recommends doing with a bill.

    TAKE_DISCOUNT is deliberately a :class:`Signal`, not an action: taking a discount *is* paying,
    early, so the action is PAY_NOW or SCHEDULE (on the discount's pay-by date) and the signal says
    why. That keeps one question per field: the action says when, the signals say why.
    """

    PAY_NOW = "PAY_NOW"
    SCHEDULE = "SCHEDULE"
    DELAY = "DELAY"


class BillGroup(StrEnum):
    """The console's three groups; every assessed bill is in exactly one."""

    MUST_PAY = "MUST_PAY"
    CAN_DELAY = "CAN_DELAY"
    SCHEDULED = "SCHEDULED"


class Signal(StrEnum):
    """Why a bill was grouped and recommended as it was."""

    # must-pay signals (any one makes the bill MUST_PAY)
    OVERDUE = "OVERDUE"
    DUE_SOON = "DUE_SOON"
    CRITICAL_VENDOR = "CRITICAL_VENDOR"
    LATE_FEE = "LATE_FEE"
    LARGE_VS_CASH = "LARGE_VS_CASH"
    # can-delay signals
    DUE_LATER_HEALTHY_RUNWAY = "DUE_LATER_HEALTHY_RUNWAY"
    SMALL_VS_BURN = "SMALL_VS_BURN"
    # opportunity
    TAKE_DISCOUNT = "TAKE_DISCOUNT"


MUST_PAY_SIGNALS = frozenset(
    {
        Signal.OVERDUE,
        Signal.DUE_SOON,
        Signal.CRITICAL_VENDOR,
        Signal.LATE_FEE,
        Signal.LARGE_VS_CASH,
    }
)
CAN_DELAY_SIGNALS = frozenset({Signal.DUE_LATER_HEALTHY_RUNWAY, Signal.SMALL_VS_BURN})


class DecisionAction(StrEnum):
    """A decision recorded over GraphQL (``BillDecision.action``)."""

    PAY_ON = "PAY_ON"
    DELAY_TO = "DELAY_TO"


class CollectionAction(StrEnum):
    """What to do about an invoice ready for collection."""

    REMIND = "REMIND"
    ESCALATE = "ESCALATE"
    CALL = "CALL"


class AgingBucket(StrEnum):
    """Days past due, in the buckets accountants use (90 is in 61-90; 91 is 90+)."""

    CURRENT = "CURRENT"
    DAYS_1_30 = "DAYS_1_30"
    DAYS_31_60 = "DAYS_31_60"
    DAYS_61_90 = "DAYS_61_90"
    DAYS_90_PLUS = "DAYS_90_PLUS"


_STATUS_RANK = {"HEALTHY": 0, "WARNING": 1, "CRITICAL": 2}


class DigestStatus(StrEnum):
    """The digest's headline; :attr:`rank` orders them HEALTHY < WARNING < CRITICAL."""

    CRITICAL = "CRITICAL"
    WARNING = "WARNING"
    HEALTHY = "HEALTHY"

    @property
    def rank(self) -> int:
        """0 for HEALTHY, 1 for WARNING, 2 for CRITICAL."""
        return _STATUS_RANK[self.value]


class StatusBasis(StrEnum):
    """Which measure decided a business's status (``rules.runway``)."""

    RUNWAY = "RUNWAY"
    """Weeks of cash at the trailing net burn."""
    FORECAST = "FORECAST"
    """The 13-week forecast's cash-zero date."""
    OVERDRAWN = "OVERDRAWN"
    """Bank balances below zero."""
    NOT_BURNING = "NOT_BURNING"
    """Money in covers money out, and the forecast stays above zero."""


class Urgency(StrEnum):
    """Where a bill or invoice stands against its due date (for filters)."""

    OVERDUE = "OVERDUE"
    DUE_SOON = "DUE_SOON"
    UPCOMING = "UPCOMING"


class AlertCode(StrEnum):
    """Why the digest raises an alert."""

    NEGATIVE_CASH = "NEGATIVE_CASH"
    CASH_ZERO = "CASH_ZERO"
    LOW_RUNWAY = "LOW_RUNWAY"
    OVERDUE_CRITICAL_BILLS = "OVERDUE_CRITICAL_BILLS"
    STALE_MIRROR = "STALE_MIRROR"
    NEVER_SYNCED = "NEVER_SYNCED"


class RunwayActionKind(StrEnum):
    """A move that adds runway."""

    DELAY_BILL = "DELAY_BILL"
    COLLECT_INVOICE = "COLLECT_INVOICE"
    TAKE_DISCOUNT = "TAKE_DISCOUNT"
