"""Tests of resolvers/thresholds.py (kept beside the rules it configures)."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from resolvers.thresholds import Thresholds


def test_defaults_are_design_md_s() -> None:
    t = Thresholds()
    assert t.decision_horizon_days == 30
    assert t.payment_lead_days == 3
    assert t.collection_window_days == 7
    assert t.stale_days == 90
    assert t.duplicate_window_days == 7
    assert t.must_pay_within_days == 3
    assert t.can_delay_after_days == 14
    assert t.large_bill_cash_share == Decimal("0.15")
    assert (t.escalate_after_days, t.call_after_days) == (30, 60)
    assert (t.burn_window_weeks, t.forecast_weeks) == (13, 13)
    assert (t.critical_runway_weeks, t.warning_runway_weeks) == (4, 13)
    assert t.stale_mirror_hours == 24
    assert (t.weight_high, t.weight_medium, t.weight_low) == (3, 2, 1)
    assert t.top_runway_actions == 3
    for word in ("payroll", "tax", "rent", "utilities", "insurance", "loan"):
        assert word in t.critical_vendor_keywords
    assert "ask my accountant" in t.uncategorized_account_names


def test_is_frozen() -> None:
    t = Thresholds()
    with pytest.raises(ValidationError):
        t.stale_days = 10  # type: ignore[misc]


def test_word_lists_are_case_folded_and_blank_entries_dropped() -> None:
    t = Thresholds(critical_vendor_keywords=("  PAYROLL ", "", "Rent"))
    assert t.critical_vendor_keywords == ("payroll", "rent")


def test_overrides_from_strings_like_the_environment() -> None:
    t = Thresholds.model_validate({"decision_horizon_days": "45", "large_bill_cash_share": "0.2"})
    assert t.decision_horizon_days == 45
    assert t.large_bill_cash_share == Decimal("0.2")


@pytest.mark.parametrize(
    "values",
    [
        {"escalate_after_days": 61, "call_after_days": 60},
        {"critical_runway_weeks": 14, "warning_runway_weeks": 13},
        {"weight_low": 3, "weight_medium": 2},
        {"decision_horizon_days": -1},
        {"unknown_threshold": 1},
    ],
)
def test_refuses_inconsistent_or_unknown_values(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Thresholds.model_validate(values)
