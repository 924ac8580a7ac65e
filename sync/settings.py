"""The sync's settings: how to reach QuickBooks Online and how hard to push it.

Kept here, not in ``app/settings.py``, so the QBO client, OAuth and the engine can be imported
without the application's settings (and the rules and renderer those pull in); ``app.settings``
embeds ``QboSettings`` as its ``qbo`` group, so ``RUNWAY_QBO__CLIENT_ID`` and the rest still read
from the environment there.
"""

from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator

SecretKey = SecretStr | str
"""The application's secret key (``RUNWAY_SECRET_KEY``), still wrapped or already revealed."""


class QboSettings(BaseModel):
    """How to reach QuickBooks Online (defaults point at Intuit's production endpoints)."""

    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    redirect_uri: str = "http://127.0.0.1:8000/qbo/callback"
    api_base_url: str = "https://quickbooks.api.intuit.com"
    auth_url: str = "https://appcenter.intuit.com/connect/oauth2"
    token_url: str = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"  # noqa: S105
    webhook_verifier_token: SecretStr = SecretStr("")
    minor_version: int = Field(default=75, ge=1)
    requests_per_minute: int = Field(default=500, ge=1)
    max_concurrent_per_realm: int = Field(default=10, ge=1)
    timeout_seconds: float = Field(default=30.0, gt=0)
    max_concurrent_syncs: int = Field(default=8, ge=1)
    """Businesses synced at once by one process (each realm is throttled on its own too)."""
    retry_attempts: int = Field(default=5, ge=1, le=20)
    backoff_base_seconds: float = Field(default=0.5, gt=0)
    backoff_max_seconds: float = Field(default=30.0, gt=0)
    app_url: str = "https://app.qbo.intuit.com"
    """Where ``qboUrl`` links point (the sandbox is https://app.sandbox.qbo.intuit.com)."""

    @field_validator("redirect_uri", "api_base_url", "auth_url", "token_url", "app_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        """An absolute http(s) URL: a typo here would otherwise surface as the first sync's
        connection error, far from the setting that caused it."""
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{value!r} is not an http:// or https:// URL with a host")
        return value
