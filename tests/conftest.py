"""Shared by every test: the PostgreSQL server's fixtures, and the hooks that leave its tests out in
one line when there is no server (tests/pg.py)."""

from tests.pg import (
    empty_postgres_url,
    fresh_postgres_url,
    postgres_server,
    postgres_url,
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_terminal_summary,
)

__all__ = [
    "empty_postgres_url",
    "fresh_postgres_url",
    "postgres_server",
    "postgres_url",
    "pytest_collection_modifyitems",
    "pytest_configure",
    "pytest_terminal_summary",
]
