"""The weekly digest as an e-mail.

``render_digest`` turns a stored digest's snapshot (the GraphQL ``Digest`` answer as JSON, made by
``schema.digest_snapshot``) into a subject, an HTML part and a plain-text part. Rendering reads
only the snapshot, so a stored digest renders the same later, without the mirror.
"""

from resolvers.digest_render.render import RenderedDigest, render_digest
from resolvers.digest_render.view import digest_subject

__all__ = ["RenderedDigest", "digest_subject", "render_digest"]
