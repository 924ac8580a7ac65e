"""Tables for connecting QBO companies."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from domains.sqltypes import UtcDateTime


class UsedOAuthState(SQLModel, table=True):
    """The nonce of a signed OAuth ``state`` that reached the callback: it may not come again.

    A state is signed and expires (``sync.oauth.STATE_MAX_AGE``), but within its life a replayed
    callback would post the same code to Intuit again; one row per nonce, inserted by one
    statement that either adds it or finds it, makes each state single-use across processes.
    Rows older than a state can live are deleted as new ones arrive.
    """

    __tablename__ = "used_oauth_state"

    nonce: str = Field(primary_key=True, max_length=64)
    issued_at: datetime = Field(sa_type=UtcDateTime, index=True)
    used_at: datetime = Field(sa_type=UtcDateTime)
