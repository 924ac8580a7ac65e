"""Every number and word list the rules decide with, in one frozen settings object.

``app/settings.py`` embeds :class:`Thresholds` (so ``RUNWAY_THRESHOLDS__DECISION_HORIZON_DAYS=45``
overrides a default); rule functions receive it explicitly and never read settings themselves.
The defaults are docs/design.md#the-rules's; the few thresholds the product brief implies without a
number (what "small relative to weekly burn" means, when "runway allows" paying early for a
discount) are named here so they can be tuned instead of hidden in code.
"""

from decimal import Decimal
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DEFAULT_CRITICAL_VENDOR_KEYWORDS: tuple[str, ...] = (
    # payroll (providers are named for what they do, or by brand)
    "payroll",
    "gusto",
    "adp",
    "paychex",
    "wages",
    # tax authorities
    "tax",
    "taxes",
    "irs",
    "internal revenue",
    "revenue",
    "treasury",
    "franchise tax board",
    "edd",
    # rent: landlords rarely say "rent" in their name, hence property/properties
    "rent",
    "rental",
    "lease",
    "leasing",
    "landlord",
    "property",
    "properties",
    "realty",
    # utilities
    "utility",
    "utilities",
    "electric",
    "energy",
    "water",
    "gas",
    "pg&e",
    # insurance
    "insurance",
    "assurance",
    # loans
    "loan",
    "loans",
    "lending",
    "lender",
    "mortgage",
    "sba",
)
"""Whole words (case-insensitive) that make a vendor critical: never recommended for delay."""

DEFAULT_UNCATEGORIZED_ACCOUNT_NAMES: tuple[str, ...] = (
    "uncategorized expense",
    "uncategorized asset",
    "uncategorized income",
    "ask my accountant",
)
"""QBO's catch-all accounts: a bill line posted to one of these is not really categorised."""

DEFAULT_LATE_FEE_KEYWORDS: tuple[str, ...] = (
    "late fee",
    "late fees",
    "late charge",
    "late payment",
    "interest",
    "penalty",
    "finance charge",
)
"""Words in a bill's memo, its lines or its term's name that say paying late costs money."""


class Thresholds(BaseModel):
    """The thresholds of docs/design.md#the-rules with their defaults; immutable once built."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Decision console: bills
    decision_horizon_days: int = Field(default=30, ge=0)
    """A bill is ready for a decision when due within this many days (inclusive) or overdue."""
    payment_lead_days: int = Field(default=3, ge=0)
    """A payment sent this many days before the due date arrives on time."""
    must_pay_within_days: int = Field(default=3, ge=0)
    """Due within this many days (inclusive; due today counts) is a must-pay signal."""
    can_delay_after_days: int = Field(default=14, ge=0)
    """Due in more than this many days, with a healthy runway, is a can-delay signal."""
    large_bill_cash_share: Decimal = Field(default=Decimal("0.15"), gt=0)
    """A bill whose open balance exceeds this share of cash is a must-pay signal."""
    small_bill_burn_share: Decimal = Field(default=Decimal("0.10"), ge=0)
    """A bill at most this share of one week's net burn is "small" (a can-delay signal)."""
    discount_min_runway_weeks: int = Field(default=13, ge=0)
    """Runway allows an early payment when, after paying, at least this many weeks remain."""

    # Decision console: invoices
    collection_window_days: int = Field(default=7, ge=0)
    """An invoice is ready for collection when overdue or due within this many days (inclusive)."""
    escalate_after_days: int = Field(default=30, ge=0)
    """More than this many days overdue: ESCALATE."""
    call_after_days: int = Field(default=60, ge=0)
    """More than this many days overdue: CALL."""

    # Hygiene
    stale_days: int = Field(default=90, ge=0)
    """Open and more than this many days past due is STALE_OPEN."""
    duplicate_window_days: int = Field(default=7, ge=0)
    """Same counterparty and total with transaction dates at most this many days apart."""
    weight_high: int = Field(default=3, ge=1)
    weight_medium: int = Field(default=2, ge=1)
    weight_low: int = Field(default=1, ge=1)
    critical_vendor_keywords: tuple[str, ...] = DEFAULT_CRITICAL_VENDOR_KEYWORDS
    uncategorized_account_names: tuple[str, ...] = DEFAULT_UNCATEGORIZED_ACCOUNT_NAMES
    late_fee_keywords: tuple[str, ...] = DEFAULT_LATE_FEE_KEYWORDS

    # Digest
    burn_window_weeks: int = Field(default=13, ge=1)
    """Weeks of history the weekly net burn and the baseline spend average over."""
    forecast_weeks: int = Field(default=13, ge=1)
    critical_runway_weeks: int = Field(default=4, ge=0)
    """Runway under this many weeks is CRITICAL."""
    warning_runway_weeks: int = Field(default=13, ge=0)
    """Runway under this many weeks (and not critical) is WARNING."""
    stale_mirror_hours: int = Field(default=24, ge=1)
    """A mirror last synced longer ago than this is flagged."""
    top_runway_actions: int = Field(default=3, ge=0)

    @field_validator(
        "critical_vendor_keywords",
        "uncategorized_account_names",
        "late_fee_keywords",
        mode="after",
    )
    @classmethod
    def _casefolded(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # Matching is case-insensitive: fold once here rather than on every comparison.
        return tuple(word.strip().casefold() for word in value if word.strip())

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.call_after_days < self.escalate_after_days:
            raise ValueError("call_after_days must be at least escalate_after_days")
        if self.warning_runway_weeks < self.critical_runway_weeks:
            raise ValueError("warning_runway_weeks must be at least critical_runway_weeks")
        if not self.weight_low <= self.weight_medium <= self.weight_high:
            raise ValueError("severity weights must satisfy low <= medium <= high")
        return self
