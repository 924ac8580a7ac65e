"""QBO CompanyInfo to the ``business`` columns it owns (name, legal name, email, country, zone)."""

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domains.tables import Business
from sync.mapping.columns import Row, fit, limits_of
from sync.mapping.fields import child, email, required_text, text

_BUSINESS_LIMITS = limits_of(Business)
_TIME_ZONE_LENGTH = next(limit.length for limit in _BUSINESS_LIMITS if limit.column == "timezone")


def map_company_info(company_info: Mapping[str, Any]) -> Row:
    """Business columns from QBO's CompanyInfo; only what it says, so defaults are not overwritten.

    Raises ``MalformedValue`` (a ``MappingError``) when there is no usable company name. A
    ``DefaultTimeZone`` that is not an IANA zone is left out rather than stored, since every rule
    resolves "today" through it.
    """
    values: Row = {"name": required_text(company_info.get("CompanyName"), "CompanyName")}
    legal_name = text(company_info.get("LegalName"), "LegalName")
    if legal_name is not None:
        values["legal_name"] = legal_name
    company_email = email(company_info, "Email")
    if company_email is not None:
        values["company_email"] = company_email
    country = text(company_info.get("Country"), "Country") or text(
        child(company_info, "CompanyAddr").get("Country"), "CompanyAddr.Country"
    )
    if country is not None:
        values["country"] = country
    zone = text(company_info.get("DefaultTimeZone"), "DefaultTimeZone")
    if zone is not None and len(zone) <= _TIME_ZONE_LENGTH and _is_time_zone(zone):
        values["timezone"] = zone
    fit(values, _BUSINESS_LIMITS)
    if values.get("company_email") is None:
        values.pop("company_email", None)
    return values


def _is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True
