"""The fake QBO's memory: realms of generated companies, their change log, OAuth grants and stats.

Everything here is plain Python so tests can mutate a company between syncs and assert on what the
server saw. Stored objects are never mutated in place (a change stores a new dict), so the
generator's dicts can be shared between several fakes without copying them up front.
"""

import copy
import secrets
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sync.fakeqbo.faults import Fault, FaultQueue
from sync.mapping import ENTITY_ORDER

PACIFIC = ZoneInfo("America/Los_Angeles")
# QBO never deletes these, it only makes them inactive, and hides inactive ones from plain queries.
NAME_LISTS = frozenset({"Term", "Account", "Vendor", "Customer"})
REFRESH_TOKEN_LIFETIME = timedelta(seconds=8_726_400)  # Intuit's x_refresh_token_expires_in


class Company(Protocol):
    """What the fake needs from a generated company (``generator.GeneratedCompany`` fits)."""

    @property
    def realm_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def home_currency(self) -> str: ...
    @property
    def company_info(self) -> Mapping[str, Any]: ...
    @property
    def entities(self) -> Mapping[str, Sequence[Mapping[str, Any]]]: ...


def qbo_timestamp(moment: datetime) -> str:
    """QBO stamps ``MetaData`` in Pacific time with its offset, to the second."""
    return moment.astimezone(PACIFIC).isoformat(timespec="seconds")


def response_time(moment: datetime) -> str:
    """The ``time`` field of every QBO response: Pacific, to the millisecond."""
    return moment.astimezone(PACIFIC).isoformat(timespec="milliseconds")


def parse_timestamp(text: str) -> datetime:
    """Read a QBO timestamp; a bare date or time without offset means Pacific, as QBO reads it."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=PACIFIC)


def _id_key(qbo_id: str) -> tuple[int, str]:
    return (int(qbo_id), "") if qbo_id.isdigit() else (1 << 62, qbo_id)


@dataclass(frozen=True)
class StoredObject:
    """The current version of one object, or its tombstone once deleted."""

    obj: dict[str, Any]
    updated: datetime
    deleted: bool = False

    @property
    def qbo_id(self) -> str:
        return str(self.obj["Id"])

    def is_active(self) -> bool:
        return self.obj.get("Active", True) is not False

    def cdc_entry(self) -> dict[str, Any]:
        """The object as CDC reports it: in full, or QBO's bare "Deleted" marker."""
        if not self.deleted:
            return self.obj
        return {
            "Id": self.qbo_id,
            "status": "Deleted",
            "domain": "QBO",
            "MetaData": {"LastUpdatedTime": qbo_timestamp(self.updated)},
        }


@dataclass
class RealmStats:
    """What the server observed for one realm, for throttle and metering assertions."""

    requests: Counter[str] = field(default_factory=Counter)  # API requests by endpoint
    max_concurrent: int = 0
    in_flight: int = 0
    request_times: list[float] = field(default_factory=list)  # monotonic, at request start
    unauthorized: int = 0  # 401 answers, injected or real
    faults_served: int = 0
    token_requests: Counter[str] = field(default_factory=Counter)  # OAuth, by grant_type

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    def started(self, endpoint: str, at: float) -> None:
        self.requests[endpoint] += 1
        self.request_times.append(at)
        self.in_flight += 1
        self.max_concurrent = max(self.max_concurrent, self.in_flight)

    def finished(self) -> None:
        self.in_flight -= 1


class FakeRealm:
    """One company's objects by entity and Id, including tombstones for CDC."""

    def __init__(self, company: Company, *, stamp: datetime) -> None:
        self.realm_id = company.realm_id
        self.name = company.name
        self.home_currency = company.home_currency
        self.company_info: dict[str, Any] = {"CompanyName": company.name, **company.company_info}
        self.faults = FaultQueue()
        self._objects: dict[str, dict[str, StoredObject]] = {entity: {} for entity in ENTITY_ORDER}
        # Sorted views per (entity, order), dropped on every change of the entity: a full sync
        # pages the same unchanged list many times, and re-sorting it per page dominated.
        self._views: dict[tuple[str, str], list[StoredObject]] = {}
        self._next_id = 1
        for entity, objs in company.entities.items():
            for obj in objs:
                self.put(entity, _adopt(obj, stamp))

    def _table(self, entity: str) -> dict[str, StoredObject]:
        try:
            return self._objects[entity]
        except KeyError:
            raise ValueError(f"the fake QBO does not hold {entity!r} objects") from None

    def stored(self, entity: str) -> list[StoredObject]:
        """Every object of an entity, tombstones included, by Id (do not mutate the list)."""
        return self.ordered(entity, "id", lambda s: _id_key(s.qbo_id))

    def ordered(
        self, entity: str, order: str, key: Callable[[StoredObject], Any]
    ) -> list[StoredObject]:
        """``stored(entity)`` sorted stably (ties stay by Id) by ``key``, cached as ``order``."""
        view = self._views.get((entity, order))
        if view is None:
            base = list(self._table(entity).values()) if order == "id" else self.stored(entity)
            view = sorted(base, key=key)
            self._views[(entity, order)] = view
        return view

    def get(self, entity: str, qbo_id: str) -> StoredObject | None:
        found = self._table(entity).get(qbo_id)
        return None if found is None or found.deleted else found

    def exists(self, entity: str, qbo_id: str) -> bool:
        """Whether the Id was ever used (a deleted Id is never reused, as in QBO)."""
        return qbo_id in self._table(entity)

    def put(self, entity: str, stored: StoredObject) -> None:
        self._table(entity)[stored.qbo_id] = stored
        if stored.qbo_id.isdigit():
            self._next_id = max(self._next_id, int(stored.qbo_id) + 1)
        for view in [v for v in self._views if v[0] == entity]:
            del self._views[view]

    def new_id(self) -> str:
        """An Id unused by any entity of the realm (QBO's are unique per entity type)."""
        return str(self._next_id)


def _adopt(obj: Mapping[str, Any], stamp: datetime) -> StoredObject:
    """Take a generated object as is, filling in the bookkeeping QBO always sends."""
    meta = obj.get("MetaData") or {}
    if "SyncToken" in obj and "LastUpdatedTime" in meta:
        return StoredObject(dict(obj), parse_timestamp(meta["LastUpdatedTime"]))
    text = qbo_timestamp(stamp)
    filled = {
        "SyncToken": "0",
        **obj,
        "MetaData": {"CreateTime": text, "LastUpdatedTime": text, **meta},
    }
    return StoredObject(filled, parse_timestamp(filled["MetaData"]["LastUpdatedTime"]))


class OAuthError(Exception):
    """A token request Intuit refuses; ``error`` is the OAuth error code it answers with."""

    def __init__(self, error: str, *, realm_id: str | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.realm_id = realm_id


class AuthenticationFailed(Exception):
    """An API request whose bearer token is missing, unknown or expired."""


@dataclass
class _Grant:
    realm_id: str
    expires_at: datetime
    superseded: bool = False  # refresh tokens: a newer one was issued from this one


@dataclass(frozen=True)
class TokenGrant:
    realm_id: str
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int


def _utc_now() -> datetime:
    return datetime.now(UTC)


class FakeQbo:
    """In-memory QBO: realms holding the generated companies, mutable between syncs."""

    def __init__(
        self,
        companies: Sequence[Company],
        *,
        client_id: str = "fake-client-id",
        client_secret: str = "fake-client-secret",  # noqa: S107  (a fake's published secret)
        access_token_ttl: timedelta = timedelta(hours=1),
        refresh_token_grace: timedelta = timedelta(hours=24),
        now: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.access_token_ttl = access_token_ttl
        self.refresh_token_grace = refresh_token_grace
        self._clock = now or _utc_now
        self.monotonic = monotonic
        stamp = self.now()
        self.realms: dict[str, FakeRealm] = {}
        for company in companies:
            if company.realm_id in self.realms:
                raise ValueError(f"two companies share realm id {company.realm_id}")
            self.realms[company.realm_id] = FakeRealm(company, stamp=stamp)
        self.stats: dict[str, RealmStats] = {realm_id: RealmStats() for realm_id in self.realms}
        self._access: dict[str, _Grant] = {}
        self._refresh: dict[str, _Grant] = {}
        # code -> (realm, redirect_uri); used codes are kept apart to attribute their reuse
        self._codes: dict[str, tuple[str, str | None]] = {}
        self._used_codes: dict[str, str] = {}  # code -> realm

    def now(self) -> datetime:
        moment = self._clock()
        if moment.tzinfo is None:
            raise ValueError("FakeQbo's now() must return an aware datetime")
        return moment

    def realm(self, realm_id: str) -> FakeRealm:
        try:
            return self.realms[realm_id]
        except KeyError:
            raise KeyError(f"no fake QBO realm {realm_id}") from None

    # -- mutations --------------------------------------------------------------------------

    def add(self, realm_id: str, entity: str, obj: dict[str, Any]) -> dict[str, Any]:
        """Create an object as a QBO user would; it gets a new Id unless it brings one."""
        realm = self.realm(realm_id)
        qbo_id = str(obj["Id"]) if "Id" in obj else realm.new_id()
        if realm.exists(entity, qbo_id):
            raise ValueError(f"{entity} {qbo_id} already exists in realm {realm_id}")
        moment = self.now()
        text = qbo_timestamp(moment)
        created = {**copy.deepcopy(obj), "Id": qbo_id, "SyncToken": "0"}
        created["MetaData"] = {
            **obj.get("MetaData", {}),
            "CreateTime": text,
            "LastUpdatedTime": text,
        }
        realm.put(entity, StoredObject(created, moment))
        return copy.deepcopy(created)

    def change(self, realm_id: str, entity: str, qbo_id: str, **fields: Any) -> dict[str, Any]:
        """Update top-level fields (``Balance=0``, ``Active=False``) and bump SyncToken."""
        realm = self.realm(realm_id)
        current = realm.get(entity, qbo_id)
        if current is None:
            raise KeyError(f"no live {entity} {qbo_id} in realm {realm_id}")
        moment = self.now()
        changed = {**current.obj, **copy.deepcopy(fields), "Id": qbo_id}
        changed["SyncToken"] = str(int(current.obj.get("SyncToken", "0")) + 1)
        changed["MetaData"] = {**current.obj["MetaData"], "LastUpdatedTime": qbo_timestamp(moment)}
        realm.put(entity, StoredObject(changed, moment))
        return copy.deepcopy(changed)

    def delete(self, realm_id: str, entity: str, qbo_id: str) -> None:
        """Delete a transaction; CDC reports it as a "Deleted" marker from now on.

        Raises:
            ValueError: for name-list entities, which QBO can only make inactive
                (``change(..., Active=False)``).
        """
        if entity in NAME_LISTS:
            raise ValueError(f"QBO cannot delete a {entity}; make it inactive with Active=False")
        realm = self.realm(realm_id)
        current = realm.get(entity, qbo_id)
        if current is None:
            raise KeyError(f"no live {entity} {qbo_id} in realm {realm_id}")
        realm.put(entity, StoredObject({"Id": qbo_id}, self.now(), deleted=True))

    def objects(
        self, realm_id: str, entity: str, *, include_inactive: bool = True
    ) -> list[dict[str, Any]]:
        """The live objects (copies, by Id), as a test's expected mirror."""
        return [
            copy.deepcopy(s.obj)
            for s in self.realm(realm_id).stored(entity)
            if not s.deleted and (include_inactive or s.is_active())
        ]

    # -- OAuth ------------------------------------------------------------------------------

    def authorization_code(self, realm_id: str, *, redirect_uri: str | None = None) -> str:
        """A one-time code as Intuit's redirect would carry; ``redirect_uri`` must then match."""
        self.realm(realm_id)
        code = f"AB11{secrets.token_urlsafe(24)}"
        self._codes[code] = (realm_id, redirect_uri)
        return code

    def grant_tokens(self, realm_id: str) -> tuple[str, str]:
        """Issue (access, refresh) directly, for tests that skip the code flow."""
        self.realm(realm_id)
        grant = self._issue(realm_id)
        return grant.access_token, grant.refresh_token

    def expire_access_tokens(self, realm_id: str) -> None:
        moment = self.now()
        for grant in self._access.values():
            if grant.realm_id == realm_id:
                grant.expires_at = min(grant.expires_at, moment)

    def expire_access_token(self, token: str) -> None:
        grant = self._access.get(token)
        if grant is not None:
            grant.expires_at = min(grant.expires_at, self.now())

    def revoke_tokens(self, realm_id: str) -> None:
        """Forget every token of a realm, as when the user disconnects the app in QBO."""
        for store in (self._access, self._refresh):
            for token in [t for t, g in store.items() if g.realm_id == realm_id]:
                del store[token]

    def inject(self, realm_id: str, *faults: Fault) -> None:
        self.realm(realm_id).faults.push(*faults)

    def client_is_valid(self, client_id: str, client_secret: str) -> bool:
        return secrets.compare_digest(
            f"{client_id}:{client_secret}", f"{self.client_id}:{self.client_secret}"
        )

    def exchange_code(self, code: str, redirect_uri: str) -> TokenGrant:
        """The ``authorization_code`` grant: each code works once."""
        if code not in self._codes:
            raise OAuthError("invalid_grant", realm_id=self._used_codes.get(code))
        realm_id, expected_uri = self._codes[code]
        if expected_uri is not None and expected_uri != redirect_uri:
            raise OAuthError("invalid_grant", realm_id=realm_id)
        del self._codes[code]
        self._used_codes[code] = realm_id
        return self._issue(realm_id)

    def refresh(self, refresh_token: str) -> TokenGrant:
        """The ``refresh_token`` grant: rotate, leaving the old token a grace period."""
        grant = self._refresh.get(refresh_token)
        if grant is None:
            raise OAuthError("invalid_grant")
        if grant.expires_at <= self.now():
            raise OAuthError("invalid_grant", realm_id=grant.realm_id)
        if not grant.superseded:
            grant.superseded = True
            grant.expires_at = min(grant.expires_at, self.now() + self.refresh_token_grace)
        return self._issue(grant.realm_id)

    def access_token_realm(self, token: str | None) -> str:
        """The realm a bearer token opens, or why it opens nothing."""
        if not token:
            raise AuthenticationFailed("Authorization header is missing or not a Bearer token")
        grant = self._access.get(token)
        if grant is None:
            raise AuthenticationFailed("Token not recognized")
        if grant.expires_at <= self.now():
            raise AuthenticationFailed("Token expired")
        return grant.realm_id

    def _issue(self, realm_id: str) -> TokenGrant:
        moment = self.now()
        access = f"eyJfake.{secrets.token_urlsafe(32)}"
        refresh = f"AB11{secrets.token_urlsafe(32)}"
        self._access[access] = _Grant(realm_id, moment + self.access_token_ttl)
        self._refresh[refresh] = _Grant(realm_id, moment + REFRESH_TOKEN_LIFETIME)
        return TokenGrant(
            realm_id=realm_id,
            access_token=access,
            refresh_token=refresh,
            expires_in=int(self.access_token_ttl.total_seconds()),
            refresh_expires_in=int(REFRESH_TOKEN_LIFETIME.total_seconds()),
        )
