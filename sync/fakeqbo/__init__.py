"""A fake QuickBooks Online: deterministic generated companies with realistic, recorded flaws."""

from sync.fakeqbo.generator import (
    FLAW_RATES,
    CompanySize,
    GeneratedCompany,
    generate_companies,
    generate_company,
)

__all__ = [
    "FLAW_RATES",
    "CompanySize",
    "GeneratedCompany",
    "generate_companies",
    "generate_company",
]
