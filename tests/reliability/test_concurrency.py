"""Many members at once: moderators racing for one claim, readers during a burst of writes.

(tests/bot/test_refusals.py has the two-moderator race; here five race, and readers pile on.)
"""

from __future__ import annotations

import asyncio
import re

from bot.desk import Desk
from bot.domain.states import Verdict
from localdiscord import permissions as perms
from localdiscord.interactions import InteractionResult
from tests.bot.conftest import Newsroom
from tests.bot.support import claim_state, public
from tests.reliability.figures import record_figure

DEADLINE = 3.0


async def test_five_moderators_changing_one_claim_at_once_exactly_one_wins_and_the_rest_hear_who(
    newsroom: Newsroom, desk: Desk
) -> None:
    d = newsroom.driver
    mods = d.create_role(newsroom.guild, "Desk", permissions=perms.MANAGE_MESSAGES)
    racers = [d.create_member(newsroom.guild, f"racer{i}", roles=[mods]) for i in range(5)]
    before = await claim_state(desk, newsroom.guild.id, 4)
    results = await asyncio.gather(
        *(
            d.slash(
                newsroom.guild,
                member,
                "mod",
                {"claim": "4", "verdict": "misleading", "note": f"{member.user.username} checked it"},
                subcommand="status",
            )
            for member in racers
        )
    )
    await asyncio.gather(*(result.finished() for result in results))

    winners = [r for r in results if r.messages and r.messages[0].text == "✅ #4 is now misleading."]
    assert len(winners) == 1, results
    name = winners[0].member.user.username
    told = re.compile(
        rf"#4 was changed meanwhile by {name} \(now misleading\); nothing was saved\..*|"
        rf"#4 is already misleading; nothing was changed\. {name} set it <t:\d+:R>\."
    )
    for loser in (r for r in results if r is not winners[0]):
        assert loser.ephemeral, loser
        assert told.fullmatch(loser.text), loser.text
    after = await claim_state(desk, newsroom.guild.id, 4)
    assert after.claim.verdict is Verdict.MISLEADING
    assert after.claim.revision == before.claim.revision + 1
    assert len(after.history) == len(before.history) + 1
    assert len(public(d.messages(newsroom.general))) == 1


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
