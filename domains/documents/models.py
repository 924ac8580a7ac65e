"""The table of registered (trusted) GraphQL documents."""

from datetime import UTC, datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from domains.sqltypes import UtcDateTime


class TrustedDocument(SQLModel, table=True):
    """One registered operation: what clients send as ``documentId`` (or by its SHA-256, the
    Apollo ``persistedQuery`` way) instead of the document's text.

    A document never changes under its id: registering the same id with another body is
    refused, so a client's id always means the text it was built with.
    """

    __tablename__ = "trusted_document"

    id: str = Field(primary_key=True, max_length=200)
    sha256: str = Field(max_length=64, unique=True)
    """Hex SHA-256 of ``body`` exactly as registered (UTF-8)."""
    name: str | None = Field(default=None, max_length=255)
    """The operation's name, for people reading the list."""
    body: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC), sa_type=UtcDateTime)
