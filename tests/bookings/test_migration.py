"""Migrations 0007_bookings to 0009_booking_extra_sessions: the ORM and the migrated schema agree on the booking tables (on
SQLite and PostgreSQL), and the migration goes down and up again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from bot.db import models  # noqa: F401  (every table on Base.metadata)
from bot.db.base import Base
from bot.db.migrate import alembic_config

TABLES = {
    "booking_offers",
    "booking_slots",
    "site_closures",
    "bookings",
    "booking_events",
    "booking_extra_sessions",
}


def test_orm_and_migration_agree_on_the_booking_tables(db_engine: Engine) -> None:
    with db_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)

    def table_of(change: object) -> str | None:
        item = change[0] if isinstance(change, list) else change
        for part in item[1:] if isinstance(item, tuple) else ():
            name = getattr(part, "name", None) if not isinstance(part, str) else None
            table = getattr(part, "table", None)
            if table is not None:
                return str(table.name)
            if name in TABLES:
                return str(name)
            if isinstance(part, str) and part in TABLES:
                return part
        return None

    ours = [change for change in diff if table_of(change) in TABLES]
    assert ours == []


def test_the_migration_goes_down_and_up(db_engine: Engine) -> None:
    config = alembic_config(db_engine.url.render_as_string(hide_password=False))
    with db_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0009_booking_extra_sessions-1")
    assert "booking_extra_sessions" not in inspect(db_engine).get_table_names()
    with db_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008_booking_grid-1")
    assert "grid" not in {c["name"] for c in inspect(db_engine).get_columns("bookings")}
    with db_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007_bookings-1")
    assert not TABLES & set(inspect(db_engine).get_table_names())
    with db_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert set(inspect(db_engine).get_table_names()) >= TABLES
    assert "grid" in {c["name"] for c in inspect(db_engine).get_columns("bookings")}
