"""The weekly digest as stored data and as an e-mail.

``digest_snapshot`` turns the orchestrator's ``Digest`` into the JSON the GraphQL ``Digest`` type
returns (what ``StoredDigest.snapshot`` keeps); ``render_digest`` turns such a snapshot into a
subject, an HTML part and a plain-text part. Rendering reads only the snapshot, so a stored digest
renders the same later, without the mirror.
"""

from resolvers.digest_render.render import RenderedDigest, render_digest
from resolvers.digest_render.snapshot import QBO_APP_URL, digest_snapshot
from resolvers.digest_render.view import digest_subject

__all__ = ["QBO_APP_URL", "RenderedDigest", "digest_snapshot", "digest_subject", "render_digest"]
