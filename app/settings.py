"""Runway's settings, read once from ``RUNWAY_*`` environment variables (and a ``.env`` file).

Built by ``get_settings()`` or passed explicitly (tests build ``Settings(...)``), never at import
time. Nested groups use ``__`` in variable names: ``RUNWAY_QBO__CLIENT_ID``. Each group is defined
beside the code it configures (``sync.settings.QboSettings``, ``resolvers.thresholds.Thresholds``,
``app.job_options.DigestWorkerOptions``), so that code never imports this module; here they
are only composed.

Every value is checked here, at start-up, as deeply as the code that uses it later would check
it (a cron expression is parsed, an SMTP URL is parsed, origins are URLs): a setting that would
only fail at the first scheduled run or the first e-mail fails now, with the variable's name and
a valid example (``describe_settings_error``), instead of a traceback days later.
"""

import json
import re
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.job_options import AssessmentJobOptions, DigestWorkerOptions
from app.limits import RequestLimits
from resolvers.thresholds import Thresholds
from sync.settings import QboSettings

DEV_SECRET_KEY = "dev-secret-key-change-me"  # noqa: S105  (a known placeholder, refused in prod)
"""Placeholder that is fine on a laptop and refused in production."""
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


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

    database_url: str = Field(
        default="sqlite+aiosqlite:///./runway.db",
        examples=["postgresql+asyncpg://runway:secret@db.internal:5432/runway"],
    )
    database_pool_size: int = Field(default=5, ge=1, le=100, examples=[5])
    database_max_overflow: int = Field(default=10, ge=0, le=100, examples=[10])
    database_pool_timeout: float = Field(default=30.0, gt=0, examples=[30])
    """Seconds a request waits for a pooled connection before it is answered 503 (retry)."""
    environment: Environment = Field(default=Environment.DEV, examples=["prod"])
    secret_key: SecretStr = Field(
        default=SecretStr(DEV_SECRET_KEY), examples=["<32 or more random characters>"]
    )
    qbo: QboSettings = QboSettings()
    smtp_url: SecretStr | None = Field(
        default=None, examples=["smtp+starttls://user:pass@smtp.example.com:587"]
    )
    digest_schedule: str | None = Field(default=None, examples=["0 7 * * FRI"])
    graphiql: bool | None = Field(default=None, examples=["false"])
    introspection: bool | None = Field(default=None, examples=["false"])
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default=[], examples=["https://app.example.com,https://admin.example.com"]
    )
    """Read as a comma-separated list or a JSON list (``NoDecode``: not JSON-only)."""
    log_level: str = Field(default="INFO", examples=["WARNING"])
    thresholds: Thresholds = Thresholds()
    max_body_bytes: int = Field(default=1_048_576, ge=1024, examples=[1_048_576])
    digests: DigestWorkerOptions = DigestWorkerOptions()
    assessments: AssessmentJobOptions = AssessmentJobOptions()
    requests: RequestLimits = RequestLimits()
    trusted_documents: bool | None = None
    """Only registered documents run (for tokens not marked ad hoc); default: on in prod."""

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        from sqlalchemy.engine import make_url

        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "must start with sqlite+aiosqlite:// or postgresql+asyncpg:// "
                f"(got {value.split('://')[0]}://)"
            )
        try:
            make_url(value)
        except ValueError as error:  # e.g. a port that is not a number; never echo the URL
            raise ValueError(f"is not a valid database URL ({type(error).__name__})") from None
        return value

    @field_validator("smtp_url", "digest_schedule", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        """``RUNWAY_SMTP_URL=`` (set but empty, as templates leave it) means "not configured"."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("digest_schedule")
    @classmethod
    def _cron_expression(cls, value: str | None) -> str | None:
        from croniter import croniter  # type: ignore[import-untyped]

        if value is None:
            return None
        form = (
            "five fields: minute hour day-of-month month weekday, in each business's local "
            "time; weekdays 0-6 or MON-SUN"
        )
        if len(value.split()) != 5:
            raise ValueError(f"{value!r} has {len(value.split())} fields; a schedule has {form}")
        if not croniter.is_valid(value):
            raise ValueError(f"{value!r} is not a valid cron expression ({form})")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: SecretStr | None) -> SecretStr | None:
        from app.smtp import SmtpTarget, SmtpUrlError  # the mailer's own parser, not a copy

        if value is not None:
            try:
                SmtpTarget.parse(value.get_secret_value())
            except SmtpUrlError as error:  # its message never holds the password
                raise ValueError(str(error)) from None
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origin_list(cls, value: Any) -> Any:
        """A comma-separated list, or a JSON list (the form earlier versions documented)."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                raise ValueError("starts with '[' but is not a JSON list of strings") from None
        return [part.strip() for part in text.split(",") if part.strip()]

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        """Each an origin as browsers send it: scheme and host (and port), nothing after."""
        origins = []
        for origin in value:
            parts = urlsplit(origin.rstrip("/"))
            if origin != "*" and (
                parts.scheme not in ("http", "https")
                or not parts.hostname
                or parts.path
                or parts.query
                or parts.fragment
            ):
                raise ValueError(
                    f"{origin!r} is not an origin (scheme://host[:port], no path), or '*'"
                )
            origins.append(origin if origin == "*" else origin.rstrip("/"))
        return origins

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"{value!r} is not a log level: one of {', '.join(LOG_LEVELS)}")
        return level

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
    """Each invalid setting as ``RUNWAY_<NAME>: what is wrong; e.g. RUNWAY_<NAME>=<valid value>``.

    The example is the field's declared one, else its default: enough to fix the value without
    opening the README. Values of secret settings are never repeated.
    """
    if not isinstance(error, ValidationError):
        # pydantic-settings refuses a group given as one variable (RUNWAY_QBO=…) before any
        # validator runs, naming only the field: name the variable too.
        found = re.search(r'field "([a-z_]+)"', str(error))
        if found is None:
            return str(error)
        variable = f"RUNWAY_{found.group(1).upper()}"
        return (
            f"Invalid settings:\n  {variable}: cannot be read; set its parts instead, "
            f"e.g. {variable}__<PART>=…"
        )
    lines = ["Invalid settings:"]
    for problem in error.errors():
        path = [part for part in problem["loc"] if isinstance(part, str)]
        if not path:
            lines.append(f"  {problem['msg'].removeprefix('Value error, ')}")
            continue
        variable = "RUNWAY_" + "__".join(path).upper()
        info = _field(path)
        message = problem["msg"].removeprefix("Value error, ")
        secret = info is not None and "SecretStr" in str(info.annotation)
        if problem["type"] != "value_error" and not secret and "input" in problem:
            message += f" (got {problem['input']!r})"
        example = _example(info)
        suffix = f"; e.g. {variable}={example}" if example is not None else ""
        lines.append(f"  {variable}: {message}{suffix}")
    return "\n".join(lines)


def _field(path: list[str]) -> FieldInfo | None:
    """The field a validation error's location names, through the nested groups."""
    model: type[BaseModel] | None = Settings
    info: FieldInfo | None = None
    for name in path:
        if model is None or name not in model.model_fields:
            return None
        info = model.model_fields[name]
        annotation = info.annotation
        model = (
            annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel)
            else None
        )
    return info


def _example(info: FieldInfo | None) -> str | None:
    """A valid value for the field, as it would be written in the environment."""
    if info is None:
        return None
    if info.examples:
        value = info.examples[0]
    elif isinstance(info.default, str | int | float | StrEnum) and info.default != "":
        value = info.default  # a scalar default is a valid example (secrets have examples)
    else:
        return None
    text = str(value)
    return f"'{text}'" if " " in text or "*" in text else text
