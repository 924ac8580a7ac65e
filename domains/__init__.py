"""The local mirror of QBO data: SQLModel tables, their queries and per-request loaders.

Knows nothing of GraphQL or of QBO over HTTP (docs/design.md#how-data-flows). Importing this package
registers every table on ``SQLModel.metadata`` so migrations and tests see the whole schema.
"""

from domains import tables as tables
