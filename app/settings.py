"""Runway's settings, read once from ``RUNWAY_*`` environment variables (and a ``.env`` file).

Built by ``get_settings()`` or passed explicitly (tests build ``Settings(...)``), never at import
time. Nested groups use ``__`` in variable names: ``RUNWAY_QBO__CLIENT_ID``. Each group is defined
beside the code it configures (``sync.settings.QboSettings``, ``resolvers.thresholds.Thresholds``,
``app.job_options.DigestWorkerOptions``), so that code never imports this module; here they
are only composed.
"""

from enum import StrEnum
from functools import lru_cache
from typing import Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.job_options import AssessmentJobOptions, DigestWorkerOptions
from app.limits import RequestLimits
from resolvers.thresholds import Thresholds
from sync.settings import QboSettings

DEV_SECRET_KEY = "dev-secret-key-change-me"  # noqa: S105  (a known placeholder, refused in prod)
"""Placeholder that is fine on a laptop and refused in production."""


class Environment(StrEnum):
    DEV = "dev"
    PROD = "prod"


class Settings(BaseSettings):
    """Everything configurable about a Runway process."""

    model_config = SettingsConfigDict(
        env_prefix="RUNWAY_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    database_url: str = "sqlite+aiosqlite:///./runway.db"
    database_pool_size: int = Field(default=5, ge=1, le=100)
    database_max_overflow: int = Field(default=10, ge=0, le=100)
    database_pool_timeout: float = Field(default=30.0, gt=0)
    """Seconds a request waits for a pooled connection before it is answered 503 (retry)."""
    environment: Environment = Environment.DEV
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)
    qbo: QboSettings = QboSettings()
    smtp_url: SecretStr | None = None
    digest_schedule: str | None = None
    graphiql: bool | None = None
    introspection: bool | None = None
    cors_origins: list[str] = []
    log_level: str = "INFO"
    thresholds: Thresholds = Thresholds()
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    digests: DigestWorkerOptions = DigestWorkerOptions()
    assessments: AssessmentJobOptions = AssessmentJobOptions()
    requests: RequestLimits = RequestLimits()
    trusted_documents: bool | None = None
    """Only registered documents run (for tokens not marked ad hoc); default: on in prod."""

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "must start with sqlite+aiosqlite:// or postgresql+asyncpg:// "
                f"(got {value.split('://')[0]}://)"
            )
        return value

    @field_validator("digest_schedule")
    @classmethod
    def _cron_expression(cls, value: str | None) -> str | None:
        if value is not None and len(value.split()) != 5:
            raise ValueError("must be a cron expression with five fields, e.g. '0 7 * * FRI'")
        return value

    @model_validator(mode="after")
    def _no_placeholder_secrets_in_production(self) -> Self:
        if self.environment is Environment.PROD:
            if self.secret_key.get_secret_value() == DEV_SECRET_KEY:
                raise ValueError("RUNWAY_SECRET_KEY must be set to a real secret in production")
            if len(self.secret_key.get_secret_value()) < 32:
                raise ValueError("RUNWAY_SECRET_KEY must be at least 32 characters in production")
        return self

    @property
    def is_dev(self) -> bool:
        return self.environment is Environment.DEV

    @property
    def graphiql_enabled(self) -> bool:
        """GraphiQL is on in dev unless switched off, and off in production unless switched on."""
        return self.is_dev if self.graphiql is None else self.graphiql

    @property
    def trusted_documents_only(self) -> bool:
        """Production runs only registered documents unless switched off (see README)."""
        return not self.is_dev if self.trusted_documents is None else self.trusted_documents

    @property
    def introspection_enabled(self) -> bool:
        """Introspection follows GraphiQL (which needs it) unless set on its own."""
        return self.graphiql_enabled if self.introspection is None else self.introspection


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()


def describe_settings_error(error: Exception) -> str:
    """Name the ``RUNWAY_*`` variable behind each invalid setting, for a one-screen error."""
    from pydantic import ValidationError

    if not isinstance(error, ValidationError):
        return str(error)
    lines = ["Invalid settings:"]
    for problem in error.errors():
        path = "__".join(str(part) for part in problem["loc"]).upper()
        variable = f"RUNWAY_{path}" if path else "RUNWAY_* (settings as a whole)"
        message = problem["msg"].removeprefix("Value error, ")
        lines.append(f"  {variable}: {message}")
    return "\n".join(lines)
