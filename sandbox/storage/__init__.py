"""Storage: SQLAlchemy models, repositories returning plain values, Alembic migrations."""
