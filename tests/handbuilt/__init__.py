"""Hand-built books: small QBO companies whose every view figure is worked out on paper.

``company`` holds Harborview Bakery's QBO objects (landed through the real mapper, as a sync would
land them) and ``figures`` what the views must show for them; ``cinder_forge`` and
``cinder_forge_figures`` do the same for Cinder Forge, a business in a cash crunch. The GraphQL
tests (``tests/schema``) and the orchestrator tests (``tests/resolvers``) assert the same figures
at their two layers.
"""
