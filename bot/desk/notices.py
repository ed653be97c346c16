"""Notices: a word owed to a member in one server, shown with their next command's answer (or by DM).

The interface, for any part of the desk that must tell a member something later:
- `owe(tx, guild_id, member_id, text, at)` inside the transaction of the change it is about, so the
  notice exists exactly when the change does;
- `take(store, guild_id, member_id)` when the member's command has been answered: the notices, each
  taken once (two commands at once never both show one); `give_back` if they could not be shown;
- `sent_by_dm` / `dm_failed` for a notice also tried by DM: a DM that fails is recorded on the
  notice, never an error, and the notice stays owed for the next command.

The text is plain: the renderer escapes it (it may quote what a member wrote).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.domain.intake import Notice
from bot.store.base import Store, Tx

TEXT_MAX = 1_500


def now() -> datetime:
    return datetime.now(UTC)


async def owe(tx: Tx, guild_id: int, member_id: int, text: str, at: datetime) -> int:
    return await tx.add_notice(guild_id, member_id, text[:TEXT_MAX], at)


async def take(store: Store, guild_id: int, member_id: int) -> list[Notice]:
    async with store.transaction() as tx:
        return await tx.take_notices(guild_id, member_id, now())


async def give_back(store: Store, notices: Sequence[Notice]) -> None:
    async with store.transaction() as tx:
        await tx.give_back_notices([n.id for n in notices])


async def sent_by_dm(store: Store, notice_id: int) -> bool:
    async with store.transaction() as tx:
        return await tx.notice_sent_by_dm(notice_id, now())


async def dm_failed(store: Store, notice_id: int, failure: str) -> None:
    async with store.transaction() as tx:
        await tx.notice_dm_failed(notice_id, failure)
