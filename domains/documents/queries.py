"""Register and look up trusted documents."""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domains.documents.models import TrustedDocument

SHA256_PREFIX = "sha256:"


@dataclass(frozen=True)
class NewDocument:
    """A document to register: its id (``None``: ``sha256:<hex>`` of the body), name and body."""

    body: str
    name: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class Registration:
    """What registering one document did."""

    id: str
    name: str | None
    created: bool


def sha256_of(body: str) -> str:
    """The hex SHA-256 of a document's text, as Apollo's ``persistedQuery.sha256Hash`` has it."""
    return hashlib.sha256(body.encode()).hexdigest()


async def register_documents(
    session: AsyncSession, *, documents: Sequence[NewDocument]
) -> list[Registration]:
    """Store ``documents``; registering one again is a no-op. Raises ``ValueError`` (and stores
    nothing, the caller's transaction rolling back) for an id already registered with another
    body."""
    registrations: list[Registration] = []
    for document in documents:
        digest = sha256_of(document.body)
        document_id = document.id or SHA256_PREFIX + digest
        existing = (
            await session.scalars(
                select(TrustedDocument).where(
                    or_(
                        col(TrustedDocument.id) == document_id,
                        col(TrustedDocument.sha256) == digest,
                    )
                )
            )
        ).first()
        if existing is not None:
            if existing.id != document_id or existing.sha256 != digest:
                raise ValueError(
                    f"document {document_id!r} conflicts with the registered {existing.id!r}: "
                    "an id always keeps the text it was registered with"
                )
            registrations.append(Registration(document_id, existing.name, created=False))
            continue
        session.add(
            TrustedDocument(id=document_id, sha256=digest, name=document.name, body=document.body)
        )
        await session.flush()
        registrations.append(Registration(document_id, document.name, created=True))
    return registrations


async def get_document_body(
    session: AsyncSession, *, document_id: str | None = None, sha256: str | None = None
) -> str | None:
    """The text registered under ``document_id`` (or ``sha256:<hex>`` of it), or with the
    SHA-256 ``sha256``; ``None`` if there is none."""
    if document_id is not None:
        body = await session.scalar(
            select(col(TrustedDocument.body)).where(col(TrustedDocument.id) == document_id)
        )
        if body is not None or not document_id.startswith(SHA256_PREFIX):
            return body
        sha256 = document_id.removeprefix(SHA256_PREFIX)
    if sha256 is None:
        return None
    return await session.scalar(
        select(col(TrustedDocument.body)).where(col(TrustedDocument.sha256) == sha256.lower())
    )


async def list_documents(session: AsyncSession) -> list[TrustedDocument]:
    """Every registered document, oldest first."""
    rows = await session.scalars(
        select(TrustedDocument).order_by(col(TrustedDocument.created_at), col(TrustedDocument.id))
    )
    return list(rows.all())
