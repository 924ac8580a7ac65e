"""Fixtures for orchestrator tests: the hand-built books landed, and a loader set over them.

The orchestrators are called directly, as STYLE.md promises they can be: explicit loaders,
filters and ``as_of``, no GraphQL.
"""

import pytest

from domains.core.models import Business
from resolvers.loaders import Loaders
from sync.fakeqbo.generator import GeneratedCompany
from tests.conftest import Database
from tests.factories import land_companies
from tests.handbuilt.cinder_forge import cinder_forge
from tests.handbuilt.company import NOW, harborview


async def landed(database: Database, company: GeneratedCompany) -> Business:
    """``company`` landed through the real mapper, synced at NOW, as its business row."""
    [pk] = await land_companies(database.sessions, [company], synced_at=NOW)
    async with database.sessions() as session:
        business = await session.get(Business, pk)
    assert business is not None
    return business


@pytest.fixture
async def harborview_business(database: Database) -> Business:
    """``tests.handbuilt.company.harborview``, the books most tests read."""
    return await landed(database, harborview())


@pytest.fixture
async def crunch_business(database: Database) -> Business:
    """``tests.handbuilt.cinder_forge``, the business in a cash crunch."""
    return await landed(database, cinder_forge())


@pytest.fixture
def loaders(database: Database, harborview_business: Business) -> Loaders:
    """A request's loader set, scoped to the hand-built business."""
    assert harborview_business.id is not None
    return Loaders(database.sessions, [harborview_business.id])
