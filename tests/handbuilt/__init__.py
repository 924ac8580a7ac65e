"""Hand-built books: a small QBO company whose every view figure is worked out on paper.

``company`` holds the QBO objects (landed through the real mapper, as a sync would land them);
``figures`` holds what the views must show for them. The GraphQL tests (``tests/schema``) and the
orchestrator tests (``tests/resolvers``) assert the same figures at their two layers.
"""
