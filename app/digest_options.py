"""How a process works digest runs: batch size, concurrency, leases, waits (``RUNWAY_DIGESTS__*``).

Apart from the worker so that ``app.settings`` can embed them without importing the worker (and
the orchestrator and renderer it brings).
"""

from pydantic import BaseModel, ConfigDict, Field


class DigestWorkerOptions(BaseModel):
    """How a process works digest runs (meant to be embedded in ``Settings`` as ``digests``)."""

    model_config = ConfigDict(frozen=True)

    batch_size: int = Field(default=50, ge=1, le=500)
    """Businesses per batch: one loader set, so one statement per entity type, per batch."""
    concurrency: int = Field(default=2, ge=1, le=16)
    """Batches one process works at once (each holds a database connection while it loads)."""
    lease_seconds: float = Field(default=60.0, gt=0)
    """How long a claim holds without a heartbeat: the delay before a dead worker's items are
    taken over. Renewed every third of it while the batch runs."""
    max_attempts: int = Field(default=3, ge=1)
    """Claims whose lease ran out before an item is given up as failed (a poison business)."""
    idle_poll_seconds: float = Field(default=60.0, gt=0)
    """PostgreSQL only: how often an idle server looks for runs other processes started or left."""
    wait_timeout_seconds: float = Field(default=300.0, gt=0)
    """Longest a ``wait: true`` request waits before it returns the run as it stands."""
    stop_grace_seconds: float = Field(default=30.0, gt=0)
    """At shutdown, how long the batches in flight may take to finish before they are cancelled
    (their items then go back to pending for the next worker)."""
