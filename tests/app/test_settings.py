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


@pytest.mark.parametrize(
    ("variable", "value", "example"),
    [
        # Each of these passed validation once, then failed later with a traceback.
        ("RUNWAY_DIGEST_SCHEDULE", "0 7 * * FRIDAY", "RUNWAY_DIGEST_SCHEDULE='0 7 * * FRI'"),
        ("RUNWAY_DIGEST_SCHEDULE", "61 7 * * 5", "RUNWAY_DIGEST_SCHEDULE='0 7 * * FRI'"),
        ("RUNWAY_DIGEST_SCHEDULE", "0 7 * * FRI *", "RUNWAY_DIGEST_SCHEDULE='0 7 * * FRI'"),
        ("RUNWAY_LOG_LEVEL", "verbose", "RUNWAY_LOG_LEVEL=WARNING"),
        ("RUNWAY_SMTP_URL", "smtp//mail", "RUNWAY_SMTP_URL=smtp+starttls://"),
        ("RUNWAY_SMTP_URL", "smtp://mail:25/path", "RUNWAY_SMTP_URL=smtp+starttls://"),
        ("RUNWAY_CORS_ORIGINS", "app.example.com", "RUNWAY_CORS_ORIGINS=https://app.example.com"),
        ("RUNWAY_CORS_ORIGINS", '["https://a.example.com"', "RUNWAY_CORS_ORIGINS=https://"),
        ("RUNWAY_CORS_ORIGINS", "https://a.example.com/app", "RUNWAY_CORS_ORIGINS=https://"),
        ("RUNWAY_DATABASE_URL", "postgresql+asyncpg://u@db:port/x", "RUNWAY_DATABASE_URL=post"),
        ("RUNWAY_DATABASE_POOL_SIZE", "lots", "RUNWAY_DATABASE_POOL_SIZE=5"),
        ("RUNWAY_QBO__API_BASE_URL", "quickbooks.example", "RUNWAY_QBO__API_BASE_URL=https://"),
        ("RUNWAY_QBO__REQUESTS_PER_MINUTE", "0", "RUNWAY_QBO__REQUESTS_PER_MINUTE=500"),
        ("RUNWAY_THRESHOLDS__PAYMENT_LEAD_DAYS", "-1", "RUNWAY_THRESHOLDS__PAYMENT_LEAD_DAYS=3"),
    ],
)
def test_every_invalid_value_is_refused_with_a_valid_example(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, example: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError) as caught:
        Settings(_env_file=None)  # type: ignore[call-arg]
    described = describe_settings_error(caught.value)
    assert f"  {variable}: " in described
    assert f"e.g. {example}" in described


def test_a_group_given_as_one_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNWAY_QBO", "client-id")
    with pytest.raises(ValueError) as caught:
        Settings(_env_file=None)  # type: ignore[call-arg]
    assert "RUNWAY_QBO: cannot be read" in describe_settings_error(caught.value)


def test_a_secret_is_never_repeated_in_the_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNWAY_SMTP_URL", "smtp://user:hunter2@mail.example.com/x")
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None)  # type: ignore[call-arg]
    assert "hunter2" not in describe_settings_error(caught.value)


@pytest.mark.parametrize(
    ("value", "origins"),
    [
        ("https://app.example.com", ["https://app.example.com"]),
        (
            "https://app.example.com, http://localhost:5173/",
            ["https://app.example.com", "http://localhost:5173"],
        ),
        ('["https://app.example.com"]', ["https://app.example.com"]),
        ("*", ["*"]),
        ("", []),
    ],
)
def test_cors_origins_are_a_comma_separated_or_json_list(
    monkeypatch: pytest.MonkeyPatch, value: str, origins: list[str]
) -> None:
    monkeypatch.setenv("RUNWAY_CORS_ORIGINS", value)
    assert Settings(_env_file=None).cors_origins == origins  # type: ignore[call-arg]


def test_valid_values_are_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNWAY_LOG_LEVEL", "debug")
    monkeypatch.setenv("RUNWAY_DIGEST_SCHEDULE", "0 7 * * FRI")
    monkeypatch.setenv("RUNWAY_SMTP_URL", "")  # set but empty, as a template leaves it
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.log_level == "DEBUG"
    assert settings.digest_schedule == "0 7 * * FRI"
    assert settings.smtp_url is None


def test_production_refuses_a_short_secret_key_without_repeating_it() -> None:
    short = "k" * 31
    with pytest.raises(ValidationError) as caught:
        Settings(environment="prod", secret_key=short, _env_file=None)  # type: ignore[arg-type,call-arg]
    described = describe_settings_error(caught.value)
    assert "RUNWAY_SECRET_KEY" in described and short not in described
    assert Settings(environment="prod", secret_key="k" * 32, _env_file=None)  # type: ignore[arg-type,call-arg]


def test_secrets_are_masked_wherever_settings_are_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = {
        "RUNWAY_SECRET_KEY": "secret-key-" + "s" * 32,
        "RUNWAY_QBO__CLIENT_SECRET": "client-secret-value",
        "RUNWAY_QBO__WEBHOOK_VERIFIER_TOKEN": "verifier-token-value",
        "RUNWAY_SMTP_URL": "smtp://user:smtp-password-value@mail.example.com:25",
    }
    for variable, value in secrets.items():
        monkeypatch.setenv(variable, value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    shown = repr(settings) + str(settings) + settings.model_dump_json()
    assert [value for value in secrets.values() if value in shown] == []
    assert settings.qbo.client_secret.get_secret_value() == "client-secret-value"
