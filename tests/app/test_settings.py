"""Settings read RUNWAY_* variables and refuse bad ones with a message naming the variable."""

import pytest
from pydantic import ValidationError

from app.settings import Settings, describe_settings_error


def test_defaults_are_a_local_sqlite_file_in_dev(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RUNWAY_DATABASE_URL", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "sqlite+aiosqlite:///./runway.db"
    assert settings.is_dev
    assert settings.graphiql_enabled
    assert settings.qbo.minor_version == 75


def test_reads_prefixed_and_nested_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNWAY_DATABASE_URL", "postgresql+asyncpg://u@db:5432/runway")
    monkeypatch.setenv("RUNWAY_QBO__CLIENT_ID", "abc")
    monkeypatch.setenv("RUNWAY_QBO__REQUESTS_PER_MINUTE", "120")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "postgresql+asyncpg://u@db:5432/runway"
    assert settings.qbo.client_id == "abc"
    assert settings.qbo.requests_per_minute == 120


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("RUNWAY_DATABASE_URL", "mysql://root@localhost/runway", "RUNWAY_DATABASE_URL"),
        ("RUNWAY_ENVIRONMENT", "staging", "RUNWAY_ENVIRONMENT"),
        ("RUNWAY_QBO__REQUESTS_PER_MINUTE", "0", "RUNWAY_QBO__REQUESTS_PER_MINUTE"),
        ("RUNWAY_DIGEST_SCHEDULE", "every friday", "RUNWAY_DIGEST_SCHEDULE"),
    ],
)
def test_invalid_variable_is_named(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None)  # type: ignore[call-arg]
    assert f"  {expected}: " in describe_settings_error(caught.value)


def test_production_refuses_the_placeholder_secret() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(environment="prod", _env_file=None)  # type: ignore[arg-type,call-arg]
    assert "RUNWAY_SECRET_KEY" in describe_settings_error(caught.value)
    settings = Settings(environment="prod", secret_key="x" * 40, _env_file=None)  # type: ignore[arg-type,call-arg]
    assert not settings.graphiql_enabled
