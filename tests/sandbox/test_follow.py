"""Following in the sandbox, as the issue's "done when" reads: a reader follows #1, a moderator confirms
it, the reader sees the DM, and the card posted earlier in #general now shows Confirmed, updated."""

from __future__ import annotations

import asyncio

from tests.sandbox.conftest import Screen


async def test_reader_follows_moderator_confirms_reader_sees_dm_and_corrected_card(screen: Screen) -> None:
    out = await screen.type("/follow claim:1")
    assert "You now follow #1" in out
    out = await screen.type("/claim claim:1")
    assert "Disputed" in out
    await screen.type("as moderator")
    changed = await screen.type('/mod status claim:1 verdict:confirmed note:"Seen in imagery"')
    assert "#1 is now confirmed" in changed
    await asyncio.sleep(2.5)  # the sandbox's batching window
    await screen.type("as reader")
    out = await screen.type("/following")
    assert "direct message to you" in out
    assert "Something you follow in" in out
    assert "Disputed → 🟢 Confirmed — Seen in imagery — by moderator" in out
    # The card posted before the change, shown again once corrected (to whoever is at the keyboard then).
    both = changed + out
    assert "✎ edited since you saw it" in both
    assert "Updated " in both
    assert "was 🟠 Disputed, now 🟢 Confirmed" in both
