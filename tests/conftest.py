"""A fresh app and database per test, on SQLite and on PostgreSQL (fixture ``backend``)."""

pytest_plugins = ["tests.plugins.databases", "tests.plugins.gateway", "tests.plugins.pgbouncer"]
