"""Which failures mean "the database would not take it right now", which a member hears as SaveFailed.

Those are the server's state, not our statements: the connection lost (a restart, a terminated
backend), a statement or lock timeout, a read-only server (a standby, or default_transaction_read_only),
a full disk, too many connections, no pool connection free in time, a deadlock or serialization
failure. Everything else (a constraint our code broke, a syntax error) is a bug and is raised as is.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg

from bot.store.errors import SaveFailed, StoreError

log = logging.getLogger(__name__)

# SQLSTATE classes and codes of the server's own trouble.
_UNAVAILABLE_CLASSES = (
    "08",  # connection exception
    "40",  # transaction rollback: serialization failure, deadlock
    "53",  # insufficient resources: disk full, out of memory, too many connections
    "57",  # operator intervention: query canceled (statement_timeout), admin shutdown, cannot connect now
    "58",  # system error: I/O error
)
_UNAVAILABLE_CODES = (
    "25006",  # read_only_sql_transaction
    "25P03",  # idle_in_transaction_session_timeout
    "55P03",  # lock_not_available (lock_timeout)
    "55006",  # object_in_use (the database is being dropped or recreated)
    "3D000",  # invalid_catalog_name: the database is gone
)


class StoreUnreachable(StoreError):
    """The server cannot be reached when the store opens: claimbot will not start."""


def unavailable(exc: BaseException) -> bool:
    """True if `exc` says the database could not do it now, so nothing was saved and a retry may work."""
    if isinstance(exc, asyncpg.PostgresError):
        code = exc.sqlstate or ""
        return code[:2] in _UNAVAILABLE_CLASSES or code in _UNAVAILABLE_CODES
    if isinstance(exc, asyncpg.InterfaceError):
        # "connection is closed", "the underlying connection is closed": lost under our feet.
        return "closed" in str(exc)
    # Pool acquire or client-side command timeouts (asyncio.TimeoutError is TimeoutError since 3.11);
    # refused, reset or unreachable sockets.
    return isinstance(exc, TimeoutError | OSError)


def describe(exc: BaseException) -> str:
    """One line for the log and SaveFailed.reason."""
    if isinstance(exc, asyncpg.PostgresError) and exc.sqlstate:
        return f"{type(exc).__name__} ({exc.sqlstate}): {exc}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


@contextmanager
def as_save_failed(what: str) -> Iterator[None]:
    """Turn an unavailable database into SaveFailed (logged once, as `what` refused); raise the rest."""
    try:
        yield
    except Exception as exc:
        if not unavailable(exc):
            raise
        log.error("%s refused by the database: %s", what, describe(exc))
        raise SaveFailed(describe(exc)) from exc
