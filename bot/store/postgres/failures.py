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

from bot.store.errors import SaveFailed

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


# Of those, the ones after which the connection itself is gone (a restart, a terminated backend).
_LOST_CLASSES = ("08",)
_LOST_CODES = ("57P01", "57P02", "57P03")  # admin shutdown, crash shutdown, cannot connect now


def connection_lost(exc: BaseException) -> bool:
    """True if the connection `exc` came from is no use any more, and likely its pool's others neither."""
    if isinstance(exc, asyncpg.PostgresError):
        code = exc.sqlstate or ""
        return code[:2] in _LOST_CLASSES or code in _LOST_CODES
    if isinstance(exc, asyncpg.exceptions.InternalClientError):
        # asyncpg's protocol met a backend that died while idle ("cannot switch to state 12; another
        # operation (2) is in progress", MagicStack/asyncpg#1069): the connection is dead, not our query.
        return True
    if isinstance(exc, asyncpg.InterfaceError):
        # "connection is closed", "the underlying connection is closed"; and "connection has been
        # released back to the pool", which a pooled connection that closed under our feet says (a
        # transaction's own use after its end is refused before it reaches asyncpg: store.py).
        return "closed" in str(exc) or "released back to the pool" in str(exc)
    return isinstance(exc, ConnectionError)


def unavailable(exc: BaseException) -> bool:
    """True if `exc` says the database could not do it now, so nothing was saved and a retry may work."""
    if connection_lost(exc):
        return True
    if isinstance(exc, asyncpg.PostgresError):
        code = exc.sqlstate or ""
        return code[:2] in _UNAVAILABLE_CLASSES or code in _UNAVAILABLE_CODES
    # Pool acquire or client-side command timeouts (asyncio.TimeoutError is TimeoutError since 3.11);
    # refused, reset or unreachable sockets.
    return isinstance(exc, TimeoutError | OSError)


def describe(exc: BaseException) -> str:
    """One line for the log and SaveFailed.reason."""
    if isinstance(exc, asyncpg.PostgresError) and exc.sqlstate:
        return f"{type(exc).__name__} ({exc.sqlstate}): {exc}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


@contextmanager
def as_save_failed(what: str, failure: type[SaveFailed] = SaveFailed) -> Iterator[None]:
    """Turn an unavailable database into `failure` (logged once, as `what` refused); raise the rest."""
    try:
        yield
    except Exception as exc:
        if not unavailable(exc):
            raise
        log.error("%s refused by the database: %s", what, describe(exc))
        raise failure(describe(exc)) from exc
