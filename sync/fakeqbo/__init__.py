"""A fake QuickBooks Online: deterministic generated companies with realistic, recorded flaws."""

from sync.fakeqbo.generator import (
    ENTITY_NAMES,
    FLAW_RATES,
    CompanySize,
    GeneratedCompany,
    generate_companies,
    generate_company,
)

__all__ = [
    "ENTITY_NAMES",
    "FLAW_RATES",
    "CompanySize",
    "GeneratedCompany",
    "generate_companies",
    "generate_company",
]
