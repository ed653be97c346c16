"""Abuse: bursts meet cooldowns and budgets, and no interaction does unbounded work.

(/search's cooldown is tested in tests/bot/test_refusals.py; here Check claims' cooldown, the
autocomplete budget, and the caps on search, suggestions and message matching.)
"""

from __future__ import annotations

import asyncio
import re

from bot.commands.budget import BURST, RATE, AutocompleteBudget
from bot.commands.cooldowns import MemberCooldowns
from bot.desk import Desk
from bot.desk.finding import RANK_LIMIT, SEARCH_CAP
from bot.domain import text
from bot.domain.claims import Actor, NewClaim
from bot.store.sqlite import index
from localdiscord.interactions import AUTOCOMPLETE_RESULT
from tests.bot.conftest import Newsroom
from tests.bot.support import description
from tests.reliability.figures import record_figure

SLOW_DOWN = re.compile(r"Slow down a little: try again in \d+ s\.")


async def test_check_claims_burst_is_told_to_slow_down_privately(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    message = d.post_message(newsroom.general, newsroom.admin, "Zelensky says 10,000 North Korean troops")
    answers = []
    for _ in range(5):
        result = await d.message_command(newsroom.guild, newsroom.reader, "Check claims", message)
        await result.finished(idle=0.02)
        answers.append(result)
    assert all(r.original is not None and r.original.embeds for r in answers[:3])
    for refused in answers[3:]:
        assert refused.ephemeral
        assert SLOW_DOWN.fullmatch(refused.text), refused.text
    # Someone else is not slowed down by the reader's burst.
    other = await d.message_command(newsroom.guild, newsroom.moderator, "Check claims", message)
    await other
    assert other.original is not None
    assert other.original.embeds


async def test_autocomplete_burst_past_the_budget_gets_no_suggestions_and_others_are_unaffected(
    newsroom: Newsroom, claimbot
) -> None:
    d = newsroom.driver
    loop = asyncio.get_running_loop()
    started = loop.time()
    burst = await asyncio.gather(
        *(d.autocomplete(newsroom.guild, newsroom.reader, "claim", "claim", "troops") for _ in range(BURST + 40))
    )
    await asyncio.gather(*(r.wait_answered() for r in burst))
    elapsed = loop.time() - started
    assert all(r.callback_type == AUTOCOMPLETE_RESULT and not r.late for r in burst)
    suggested = [r for r in burst if r.choices]
    # The burst, plus what the budget refilled while the requests were being answered.
    allowed = BURST + int(elapsed * RATE) + 1
    assert BURST <= len(suggested) <= allowed, (len(suggested), elapsed)
    assert len(burst) - len(suggested) >= len(burst) - allowed > 0

    other = await d.autocomplete(newsroom.guild, newsroom.moderator, "claim", "claim", "troops")
    await other
    assert other.choices
    await asyncio.sleep(0.3)  # three more suggestions' worth of budget
    again = await d.autocomplete(newsroom.guild, newsroom.reader, "who-said", "speaker", "zel")
    await again
    assert again.choices
    record_figure("autocomplete requests refused by the budget in a burst of 60", len(burst) - len(suggested))


def test_autocomplete_budget_allows_a_burst_then_the_rate() -> None:
    budget = AutocompleteBudget(burst=5, rate=2.0)
    assert [budget.allow(1, 7, now=100.0) for _ in range(6)] == [True] * 5 + [False]
    assert budget.allow(1, 8, now=100.0)  # another member
    assert budget.allow(2, 7, now=100.0)  # the same member in another server
    assert not budget.allow(1, 7, now=100.4)  # 0.8 of a token back
    assert budget.allow(1, 7, now=100.6)
    assert [budget.allow(1, 7, now=1000.0) for _ in range(6)] == [True] * 5 + [False]  # never more than the burst


def test_member_cooldowns_refuse_past_the_rate_per_member_and_forget_idle_members() -> None:
    cooldowns = MemberCooldowns(3, 10.0)
    assert [cooldowns.hit((1, 7), 100.0)[1] is None for _ in range(4)] == [True] * 3 + [False]
    assert cooldowns.hit((1, 8), 100.0)[1] is None  # another member
    assert cooldowns.hit((2, 7), 100.0)[1] is None  # the same member in another server
    _bucket, retry_after = cooldowns.hit((1, 7), 105.0)
    assert retry_after is not None
    assert 0 < retry_after <= 10.0
    assert cooldowns.hit((1, 7), 111.0)[1] is None  # a window later
    # Ten thousand members once each, then one more a window later: only the members of that window are kept.
    for member in range(10_000):
        cooldowns.hit((3, member), 200.0)
    assert len(cooldowns) >= 10_000
    cooldowns.hit((3, -1), 211.0)
    assert len(cooldowns) == 1


async def many_drone_claims(desk: Desk, guild_id: int, count: int) -> None:
    for i in range(count):
        new = NewClaim(statement=f"Drone sighting number {i} over the port", verbatim=False, speaker=f"Watcher {i % 7}")
        await desk.add_claim(guild_id, new, note="setup", actor=Actor(1, "setup"))


async def test_work_per_interaction_is_bounded_with_hundreds_of_matches(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    desk = claimbot.desk
    await desk.ensure_guild(newsroom.guild.id)
    await many_drone_claims(desk, newsroom.guild.id, SEARCH_CAP + 50)

    searched = await d.slash(newsroom.guild, newsroom.reader, "search", {"query": "drone sighting"})
    await searched
    assert searched.original is not None
    text = description(searched.original)
    assert f"Showing 1–5 of {SEARCH_CAP}+ claims" in text, text  # counted up to the cap, not all 150
    assert len(re.findall(r"^\*\*#\d+\*\*", text, re.MULTILINE)) == 5

    suggestions = await d.autocomplete(newsroom.guild, newsroom.reader, "claim", "claim", "drone")
    await suggestions
    assert len(suggestions.choices) == 25

    message = d.post_message(newsroom.general, newsroom.admin, "drone sighting port number " * 300)
    checked = await d.message_command(newsroom.guild, newsroom.reader, "Check claims", message)
    await checked
    assert checked.original is not None
    assert checked.original.embeds[0]["title"] == "5 tracked claims in this message"

    # A forged page far past the end is clamped to the cap, and answered.
    page = searched.original
    forged = "claimbot:search:page:999999999:any:0"
    page.payload["components"][0]["components"][-1]["custom_id"] = forged
    pressed = await d.press(page, forged, newsroom.reader)
    await pressed
    assert "Something went wrong" not in pressed.text
    assert pressed.answered
    assert not pressed.late
    for result in (searched, suggestions, checked, pressed):
        assert result.latency is not None
        assert result.latency < 1.0, result


def test_typed_text_becomes_a_bounded_query() -> None:
    long_query = " ".join(f"word{i}" * 20 for i in range(3000))[:6000]
    terms = text.query_terms(long_query)
    assert len(terms) <= text.MAX_TERMS
    assert all(len(t) <= text.MAX_TERM_LENGTH for t in terms)
    groups = text.prefix_groups(long_query)
    assert len(groups) <= text.MAX_TERMS
    assert all(len(t) <= text.MAX_TERM_LENGTH for group in groups for t in group)
    content = text.content_terms(long_query)
    assert all(len(t) <= text.MAX_TERM_LENGTH for t in content)
    any_word = index.any_term(content)
    assert any_word.count(" OR ") < text.MAX_TERMS * 2
    assert RANK_LIMIT <= 100  # a message's candidates: the text of at most this many claims is read
