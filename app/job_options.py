"""How a process works its jobs: digest runs (``RUNWAY_DIGESTS__*``) and assessments
(``RUNWAY_ASSESSMENTS__*``).

Apart from the jobs so that ``app.settings`` can embed them without importing the jobs (and the
orchestrators and renderer they bring).
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


class AssessmentJobOptions(BaseModel):
    """How a process keeps stored assessments current (``RUNWAY_ASSESSMENTS__*``)."""

    model_config = ConfigDict(frozen=True)

    in_server: bool = True
    """Run the assessment job inside ``runway serve`` (switch off when ``runway worker``
    processes run it apart from the API)."""
    batch_size: int = Field(default=50, ge=1, le=500)
    """Businesses assessed together: one loader set, one statement per table, per batch."""
    lease_seconds: float = Field(default=300.0, gt=0)
    """How long a claimed business stays another process's: the delay before a dead worker's
    businesses are taken over."""
    poll_seconds: float = Field(default=60.0, gt=0)
    """How often an idle job looks for businesses whose books, thresholds or day moved on."""
    other_days_kept_seconds: float = Field(default=3600.0, gt=0)
    """How long an assessment of a day other than a business's today (an explicit ``asOf``, a
    past week's digest) is kept for the requests that follow the first."""
