"""Land a generated company straight in the mirror, through the mapper but without HTTP.

The sync engine is the way real data arrives; tests of the views, scripts and benchmarks that
only need a populated mirror use this instead, so the mapper and upsert are still the real ones.
"""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domains.core import queries as core_queries
from domains.core.models import Business
from sync.fakeqbo.generator import GeneratedCompany
from sync.mapping import ENTITY_ORDER, map_company_info, map_objects, upsert_batch


async def land_company(
    session: AsyncSession,
    company: GeneratedCompany,
    *,
    synced_at: datetime,
    connection_status: str = "connected",
) -> Business:
    """Upsert ``company`` and all its entities in the caller's transaction; returns its business.

    Raises ``ValueError`` if the mapper skipped an object: generated data is meant to be clean.
    """
    values = map_company_info(company.company_info)
    values.update(
        home_currency=company.home_currency,
        timezone=company.timezone,
        last_synced_at=synced_at,
        connection_status=connection_status,
    )
    business = await core_queries.upsert_business(session, realm_id=company.realm_id, values=values)
    assert business.id is not None
    for entity in ENTITY_ORDER:
        batch = map_objects(entity, company.entities.get(entity, []), business_id=business.id)
        if batch.problems:
            raise ValueError(f"{company.name}: the mapper skipped {batch.problems}")
        await upsert_batch(session, batch)
    return business
