"""The ASGI application factory: routes, and a lifespan that owns every shared resource."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from app.assessment_jobs import AssessmentJob
from app.assessment_runner import AssessmentRunner
from app.auth import authenticate
from app.database_problems import check_database, explain
from app.db import create_session_factory, pooled_engine
from app.digest_jobs import DigestJobs, digest_jobs_for
from app.graphiql import STATIC_DIR, graphiql_html, load_examples
from app.graphql_http import GraphQLOverHTTP
from app.limits import BodySizeLimit, KnownTokens, TokenLimits, bearer_fingerprint
from app.logs import configure_logging
from app.routes_qbo import qbo_routes
from app.schedule import weekly_digest_schedule
from app.settings import Settings, get_settings
from app.sync_requests import sync_requester
from app.trusted_documents import DocumentGate
from resolvers.clock import utc_now
from schema import build_schema
from schema.context import Context

logger = logging.getLogger(__name__)


@dataclass
class Resources:
    """What the lifespan opens once per process and closes on shutdown."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    http: httpx.AsyncClient
    digest_jobs: DigestJobs
    assessments: AssessmentRunner
    """Computes stale assessments on a thread of its own."""
    assessment_job: AssessmentJob
    """Keeps every business's assessment of its today current (when ``in_server``)."""


class RunwayGraphQL(GraphQLOverHTTP[Context, None]):
    """Strawberry's ASGI app, with a fresh ``Context`` (and loaders) per request, answering as
    the GraphQL-over-HTTP spec asks (``app.graphql_http``), running trusted documents
    (``app.trusted_documents``) and serving its own GraphiQL page (``app.graphiql``)."""

    def __init__(
        self,
        settings: Settings,
        clock: Callable[[], datetime] = utc_now,
        known_tokens: KnownTokens | None = None,
    ) -> None:
        super().__init__(
            build_schema(
                introspection=settings.introspection_enabled, mask_errors=not settings.is_dev
            ),
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
            allow_queries_via_get=True,
        )
        self.settings = settings
        self.clock = clock
        self.known_tokens = known_tokens or KnownTokens()
        """Where accepted tokens are told to the per-token limits."""
        self.documents = DocumentGate(trusted_only=settings.trusted_documents_only)
        self.graphiql_page = graphiql_html(load_examples()) if settings.graphiql_enabled else ""

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from this package's assets, opened on the example queries."""
        return HTMLResponse(self.graphiql_page)

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Run the registered document a request names, or refuse what may not run here."""
        resolved = await self.documents.resolve(
            request_data, caller=context.caller, sessions=context.sessions
        )
        if isinstance(resolved, ExecutionResult):
            return resolved
        return await super().execute_single(
            request=request,
            request_adapter=request_adapter,
            sub_response=sub_response,
            context=context,
            root_value=root_value,
            request_data=resolved,
        )

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        resources: Resources = request.app.state.resources
        authentication = await authenticate(request, resources.sessions)
        if authentication.caller is not None:
            fingerprint = bearer_fingerprint(request.headers["authorization"].encode("latin-1"))
            if fingerprint is not None:
                self.known_tokens.add(fingerprint)
        return Context(
            sessions=resources.sessions,
            caller=authentication.caller,
            auth_problem=authentication.problem,
            thresholds=self.settings.thresholds,
            qbo_app_url=self.settings.qbo.app_url,
            clock=self.clock,
            request_sync=sync_requester(
                self.settings,
                resources.sessions,
                resources.http,
                synced=resources.assessment_job.wake,
            ),
            request_digests=resources.digest_jobs.request,
            refresher=resources.assessments.refresh,
            books_changed=lambda _business_id: resources.assessment_job.wake(),
        )


async def healthz(request: Request) -> Response:
    """Liveness and readiness in one: the process answers, the database does too, and its schema
    is at this code's migration head (a never-migrated or older schema is not ready: every
    request would fail, and the fix is ``runway db upgrade``, not a retry)."""
    resources: Resources = request.app.state.resources
    problem = await check_database(resources.engine)
    if problem is None:
        return JSONResponse({"status": "ok", "database": "ok"})
    logger.warning("health check: %s %s", problem.cause, problem.fix)
    body: dict[str, object] = {"status": "error", "database": problem.kind.value}
    if problem.state is not None:
        body["revision"] = sorted(problem.state.current)
        body["expected"] = sorted(problem.state.heads)
    body["message"] = problem.client_message
    return JSONResponse(body, status_code=503)


async def database_unavailable(request: Request, error: Exception) -> Response:
    """The database failed outside any resolver (while authenticating, typically): a coded 503
    with the reason (``extensions.reason``: unreachable, busy, schema_missing, …) instead of a
    bare 500. Transient reasons carry ``Retry-After``; the others need an operator. An error
    that is not the database's availability is a bug and stays a 500."""
    resources: Resources = request.app.state.resources
    problem = await explain(error, resources.engine)
    if problem is None:
        raise error
    logger.warning(
        "%s %s refused: %s %s", request.method, request.url.path, problem.cause, problem.fix
    )
    body = {
        "errors": [
            {
                "message": problem.client_message,
                "extensions": {"code": "UNAVAILABLE", "reason": problem.kind.value},
            }
        ]
    }
    headers = {"Retry-After": "1"} if problem.transient else {}
    return JSONResponse(body, status_code=503, headers=headers)


INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8" /><title>Runway</title></head>
<body><h1>Runway</h1><p>A GraphQL API over a mirror of QuickBooks Online.</p>
<ul><li><code>POST /graphql</code>: GraphQL over HTTP, with a bearer token</li>
<li><code>GET /healthz</code>: health of the process and its database</li></ul></body></html>
"""


def index(graphiql: bool) -> Callable[[Request], Any]:
    """``GET /``: GraphiQL where it is on (dev), else a short page naming the endpoints."""

    async def answer(request: Request) -> Response:
        if graphiql:
            return RedirectResponse("/graphql", status_code=307)
        return HTMLResponse(INDEX)

    return answer


def create_app(settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> Starlette:
    """Build the app for ``settings``; nothing global, so tests can build as many as they like.

    ``clock`` is "now" for the views (tests pin it so "today" is a known date).
    """

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = pooled_engine(settings)
        async with httpx.AsyncClient(timeout=settings.qbo.timeout_seconds) as http:
            sessions = create_session_factory(engine)
            assessments = AssessmentRunner(settings.database_url, clock=clock)
            await assessments.start()
            job = AssessmentJob(
                sessions,
                refresher=assessments.refresh,
                thresholds=settings.thresholds,
                clock=clock,
                options=settings.assessments,
            )
            digest_jobs = digest_jobs_for(
                settings, sessions, clock=clock, refresher=assessments.refresh
            )
            app.state.resources = Resources(engine, sessions, http, digest_jobs, assessments, job)
            if settings.assessments.in_server:
                await job.start()
            await digest_jobs.start()  # resumes unfinished runs in the background
            schedule = weekly_digest_schedule(settings, sessions, digest_jobs)
            ticking = asyncio.create_task(schedule.run_forever()) if schedule else None
            try:
                yield
            finally:
                if ticking is not None:
                    ticking.cancel()
                    await asyncio.gather(ticking, return_exceptions=True)
                await digest_jobs.stop()
                await job.stop()
                await assessments.stop()
                await engine.dispose()

    known_tokens = KnownTokens()
    graphql = RunwayGraphQL(settings, clock, known_tokens)
    # Outermost first: CORS answers preflights and labels refusals (a browser can read a 429),
    # then the per-token limits, then the body limit (which only the admitted pay for).
    middleware = []
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )
    middleware += [
        Middleware(TokenLimits, limits=settings.requests, known=known_tokens),
        Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
    ]
    graphiql = settings.graphiql_enabled
    static = (
        [Mount("/static", StaticFiles(directory=STATIC_DIR), name="static")] if graphiql else []
    )
    return Starlette(
        routes=[
            Route("/", index(graphiql), methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            *static,
            *qbo_routes(settings),
        ],
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={
            SQLAlchemyTimeoutError: database_unavailable,
            DBAPIError: database_unavailable,
            OSError: database_unavailable,  # asyncpg's refused or unknown host, unwrapped
        },
    )


def create_app_from_environment() -> Starlette:
    """The app for ``RUNWAY_*`` settings: what each ``runway serve --workers N`` process runs
    (a process of its own, so it configures its own logging)."""
    settings = get_settings()
    configure_logging(settings.log_level)
    return create_app(settings)
