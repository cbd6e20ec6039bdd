"""The FastAPI application factory: no globals, the engine lives in `app.state`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine

from bot.body_limit import BodyLimit
from bot.config import Settings
from bot.console import mount_console
from bot.db.session import make_engine, make_session_factory
from bot.vocabulary import load_vocabulary
from bot.web import open311
from bot.web.errors import install_error_handlers, too_large
from bot.web.open311_guard import Open311Limits


def create_app(settings: Settings, *, engine: Engine | None = None) -> FastAPI:
    """The app for `settings`; pass `engine` to share one (tests, `serve`), else one is made
    from the settings and disposed when the app stops."""
    owns_engine = engine is None
    db_engine = engine if engine is not None else make_engine(settings.effective_database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            console.close()
            if owns_engine:
                db_engine.dispose()

    # The interactive API docs describe every route to whoever asks: development only.
    docs = settings.environment == "development"
    app = FastAPI(
        title="家门口 Jiamenkou",
        description="Problem reports (工单) through the Open311 GeoReport v2 API.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.add_middleware(BodyLimit, refusal=too_large)
    app.state.settings = settings
    app.state.open311_limits = Open311Limits.from_settings(settings)
    app.state.engine = db_engine
    app.state.session_factory = make_session_factory(db_engine)
    app.state.vocabulary = load_vocabulary(settings.vocabulary_file)
    install_error_handlers(app)
    app.include_router(open311.router)
    console = mount_console(
        app,
        settings=settings,
        engine=db_engine,
        session_factory=app.state.session_factory,
        vocabulary=app.state.vocabulary,
    )
    if settings.wechat_token:  # the WeChat bridge answers its callbacks here
        from bot.channels.wechat.router import wechat_router

        app.include_router(wechat_router(settings, app.state.session_factory))

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
