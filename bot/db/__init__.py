"""Storage: SQLAlchemy 2.x typed ORM models, engine/session factories and Alembic migrations."""
