"""Many members at once: moderators racing for one claim, readers during a burst of writes.

(tests/bot/test_refusals.py has the two-moderator race; here five race, and readers pile on.)
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bot.desk import Desk
from bot.domain.states import Verdict
from localdiscord import permissions as perms
from localdiscord.interactions import InteractionResult
from tests.bot.conftest import BOTH_BACKENDS, Newsroom
from tests.bot.support import all_thinking, assert_no_lost_update, claim_state, public, writes_held
from tests.reliability.figures import record_figure

DEADLINE = 3.0


@pytest.mark.parametrize("bot_backend", BOTH_BACKENDS, indirect=True)
async def test_five_moderators_changing_one_claim_at_once_exactly_one_wins_and_the_rest_hear_who(
    newsroom: Newsroom, desk: Desk, bot_database: Path | str
) -> None:
    d = newsroom.driver
    mods = d.create_role(newsroom.guild, "Desk", permissions=perms.MANAGE_MESSAGES)
    racers = [d.create_member(newsroom.guild, f"racer{i}", roles=[mods]) for i in range(5)]
    before = await claim_state(desk, newsroom.guild.id, 4)
    # Each wants another verdict: were a change made against a revision already replaced, it would be saved
    # too, and the history would show it overwriting the winner's unseen.
    wanted = [v for v in Verdict if v is not before.claim.verdict][:5]
    async with writes_held(bot_database):  # all five resolve the claim before any writes
        results = await asyncio.gather(
            *(
                d.slash(
                    newsroom.guild,
                    member,
                    "mod",
                    {"claim": "4", "verdict": verdict.value, "note": f"{member.user.username} checked it"},
                    subcommand="status",
                )
                for member, verdict in zip(racers, wanted, strict=True)
            )
        )
        await all_thinking(results)
    await asyncio.gather(*(result.finished() for result in results))

    saved = [r for r in results if r.messages and r.messages[0].text.startswith("✅ #4 is now ")]
    after = await claim_state(desk, newsroom.guild.id, 4)
    # All five read the claim before any saved: one wins, four were prepared against a claim that no
    # longer is, and are refused.
    assert len(saved) == 1, [r.text for r in results]
    assert_no_lost_update(before, after, 1)
    last = after.history[0].actor.name
    told = re.compile(r"#4 was changed meanwhile by \w+ \(now \w+\); nothing was saved\..*")
    for loser in (r for r in results if r not in saved):
        assert loser.ephemeral, loser
        assert told.fullmatch(loser.text), loser.text
    assert len(public(d.messages(newsroom.general))) == len(saved)
    assert any(r.member.user.username == last for r in saved)


async def test_fifty_readers_and_fifty_autocompletes_during_thirty_writes_are_all_answered_in_time(
    newsroom: Newsroom, desk: Desk
) -> None:
    d = newsroom.driver
    mods = d.create_role(newsroom.guild, "Desk", permissions=perms.MANAGE_MESSAGES)
    writers = [d.create_member(newsroom.guild, f"writer{i}", roles=[mods]) for i in range(10)]
    readers = [d.create_member(newsroom.guild, f"reader{i}") for i in range(50)]
    verdicts = [Verdict.INVESTIGATING, Verdict.CONFIRMED, Verdict.MISLEADING]

    writes = [
        d.slash(
            newsroom.guild,
            writers[k % len(writers)],
            "mod",
            {"claim": str(1 + k % 16), "verdict": verdicts[k // 16].value, "note": f"burst {k}"},
            subcommand="status",
        )
        for k in range(30)
    ]
    reads = [d.slash(newsroom.guild, member, "claim", {"claim": str(1 + k % 16)}) for k, member in enumerate(readers)]
    typing = [
        d.autocomplete(newsroom.guild, member, "claim", "claim", ["tro", "kor", "zel", "#1", ""][k % 5])
        for k, member in enumerate(readers)
    ]
    results: list[InteractionResult] = await asyncio.gather(*writes, *reads, *typing)
    await asyncio.gather(*(r.finished(within=10, idle=0.05) for r in results))

    late = [r for r in results if r.late or not r.answered or (r.latency or 0) >= DEADLINE]
    assert not late, late
    saved = [r for r in results[:30] if r.messages and r.messages[0].text.startswith("✅")]
    cards = [r for r in results[30:80] if r.original is not None and r.original.embeds]
    suggestions = [r for r in results[80:] if r.callback_type == 8]
    assert len(cards) == 50
    assert len(suggestions) == 50
    assert all(r.choices for r in suggestions[:4]), "typing found nothing"
    # Two writes reach each of claims 1-14: the second is saved, or refused as a conflict or a no-op.
    for r in results[:30]:
        assert r in saved or re.search(r"changed meanwhile by|is already", r.text), r.text
    assert len(saved) >= 16, [r.text for r in results[:30]]
    slowest = max(r.latency or 0 for r in results)
    record_figure("concurrent interactions answered in time (30 writes, 50 cards, 50 autocompletes)", len(results))
    record_figure("slowest first answer under that load (ms)", round(slowest * 1000))
