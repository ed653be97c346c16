"""New guilds seeded together: the first claim by claim, the others as copies of it (a start-up in many
new servers). A copy must read exactly as a guild seeded alone, and hold nothing of its source's or of
another copy's."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from bot.desk import Desk, seeding
from bot.domain.states import Verdict
from bot.render import cards, lists, messages, stories
from bot.seedfile import SeedStory
from bot.store.base import ClaimFields, EvidenceRow
from tests.desks import opened_desk
from tests.store.conftest import ALICE, SEEDED_CLAIMS, Database, new_claim, query

AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ALONE, FIRST, COPY, LATER = 833333333333333333, 844444444444444444, 855555555555555555, 866666666666666666
ANOTHER_COPY = 877777777777777777
QUERIES = ("deny", "June", "10k", "Brussels", "Pyongyang troops", "evaluating", "kim", "zelensky territory")
MESSAGE = "Did North Korea really send soldiers to fight for Russia?"


async def seen(desk: Desk, guild_id: int) -> dict[str, Any]:
    """What members and moderators are shown of a guild's seeded claims, as Discord receives it (no
    database id is in any of it)."""
    shown: dict[str, Any] = {"board": lists.board(await desk.board(guild_id)).to_dict()}
    for number in range(1, SEEDED_CLAIMS + 1):
        card = await desk.claim_card(guild_id, number)
        history = await desk.history(guild_id, number, limit=25)
        shown[f"#{number}"] = (cards.claim_card(card).to_dict(), lists.timeline(card.claim, history).to_dict())
    for text in QUERIES:
        shown[text] = lists.search_page(text, await desk.search(guild_id, text)).to_dict()
    shown["check"] = lists.matches(MESSAGE, await desk.match_text(guild_id, MESSAGE)).to_dict()
    speakers = await desk.suggest_speakers(guild_id, "")
    shown["speakers"] = [(s.name, s.claim_count, s.short_name) for s in speakers]
    for speaker in speakers:
        page = await desk.speaker_claims(guild_id, speaker.id)
        shown[speaker.name] = lists.speaker_page(await desk.speaker_by_id(guild_id, speaker.id), page).to_dict()
    shown["aliases"] = messages.aliases_summary(await desk.aliases(guild_id))
    shown["stories"] = stories.story_list(await desk.stories(guild_id)).to_dict()
    return shown


async def next_number(desk: Desk, guild_id: int) -> int:
    added = await desk.add_claim(guild_id, new_claim("A claim added after the seed."), note="new", actor=ALICE)
    return added.number


def crossings(db: Database) -> list[tuple[str, tuple[Any, ...]]]:
    """Rows that point into another guild's rows: none may exist, whoever wrote them."""
    checks = {
        "claim's speaker": "SELECT c.id FROM claims c JOIN speakers s ON s.id = c.speaker_id "
        "WHERE s.guild_id <> c.guild_id",
        "claim's story": "SELECT c.id FROM claims c JOIN stories s ON s.id = c.story_id WHERE s.guild_id <> c.guild_id",
        "speaker's name": "SELECT n.norm FROM speaker_names n JOIN speakers s ON s.id = n.speaker_id "
        "WHERE s.guild_id <> n.guild_id",
        "relation": "SELECT r.id FROM relations r JOIN claims a ON a.id = r.source_id "
        "JOIN claims b ON b.id = r.target_id WHERE a.guild_id <> r.guild_id OR b.guild_id <> r.guild_id",
        "history": "SELECT h.id FROM history h JOIN claims c ON c.id = h.claim_id WHERE c.guild_id <> h.guild_id",
    }
    return [(what, row) for what, sql in checks.items() for row in query(db, sql)]


async def test_a_copied_guild_reads_as_a_guild_seeded_alone(db_path: Database, seed: SeedStory) -> None:
    async with opened_desk(db_path) as desk:
        async with desk.store.transaction() as tx:
            assert await tx.create_guilds([ALONE], AT) == {ALONE}
            await seeding.seed_new_guilds(tx, [ALONE], [seed], AT)
        async with desk.store.transaction() as tx:
            assert await tx.create_guilds([FIRST, COPY, ANOTHER_COPY], AT) == {FIRST, COPY, ANOTHER_COPY}
            await seeding.seed_new_guilds(tx, [FIRST, COPY, ANOTHER_COPY], [seed], AT)
        alone = await seen(desk, ALONE)
        assert await seen(desk, COPY) == alone
        assert await seen(desk, ANOTHER_COPY) == alone
        assert await seen(desk, FIRST) == alone
        numbers = [await next_number(desk, g) for g in (ALONE, FIRST, COPY, ANOTHER_COPY)]
        assert numbers == [SEEDED_CLAIMS + 1] * 4
    assert crossings(db_path) == []


async def test_a_copy_and_its_source_change_apart(db_path: Database, seed: SeedStory) -> None:
    async with opened_desk(db_path) as desk:
        async with desk.store.transaction() as tx:
            assert await tx.create_guilds([FIRST, COPY], AT) == {FIRST, COPY}
            await seeding.seed_new_guilds(tx, [FIRST, COPY], [seed], AT)
        before = await seen(desk, FIRST)
        await desk.set_verdict(COPY, 1, Verdict.FALSE, note="checked", source_url=None, actor=ALICE)
        await next_number(desk, COPY)
        assert (await desk.claim(COPY, 1)).verdict == Verdict.FALSE
        falses = [(await desk.board(g)).counts.get(Verdict.FALSE, 0) for g in (COPY, FIRST)]
        assert falses[0] == falses[1] + 1
        assert await seen(desk, FIRST) == before
        assert await next_number(desk, FIRST) == SEEDED_CLAIMS + 1


async def test_new_guilds_met_together_are_seeded_alike(db_path: Database, seed: SeedStory) -> None:
    """Through the desk: the first new guild is seeded alone; the two that wait for it are seeded in one
    transaction, the second as a copy of the first."""
    async with opened_desk(db_path, [seed]) as desk:
        await asyncio.gather(*(desk.ensure_guild(g) for g in (ALONE, FIRST, COPY)))
        assert await seen(desk, COPY) == await seen(desk, FIRST)
        counts = query(db_path, "SELECT guild_id, count(*) FROM claims GROUP BY guild_id ORDER BY guild_id")
        assert counts == [(g, SEEDED_CLAIMS) for g in (ALONE, FIRST, COPY)]
    async with opened_desk(db_path, [seed]) as desk:  # a later guild, after a restart
        await desk.ensure_guild(LATER)
        assert (await desk.claim(LATER, SEEDED_CLAIMS)).number == SEEDED_CLAIMS
    assert crossings(db_path) == []


async def test_a_copy_takes_the_evidence_its_source_has(db_path: Database, seed: SeedStory) -> None:
    """Seed files carry no evidence today; the copy takes what the source has, so a story format that
    gains it is copied whole (and its notes are found by a search in the copy)."""
    async with opened_desk(db_path) as desk:
        async with desk.store.transaction() as tx:
            assert await tx.create_guilds([FIRST, COPY, ANOTHER_COPY], AT) == {FIRST, COPY, ANOTHER_COPY}
            await seeding.seed_new_guilds(tx, [FIRST], [seed], AT)
            first = await tx.claim(FIRST, 3)
            assert first is not None
            quokka = EvidenceRow(first.id, "https://example.org/quokka", "the quokka memo", AT)
            assert await tx.update_claim(
                first.id, first.revision, ClaimFields(), at=AT, moderated=False, evidence=[quokka]
            )
            await tx.copy_seeded_guild(FIRST, [COPY, ANOTHER_COPY])
        for guild_id in (COPY, ANOTHER_COPY):
            card = await desk.claim_card(guild_id, 3)
            assert [(e.url, e.note) for e in card.claim.evidence] == [("https://example.org/quokka", "the quokka memo")]
            assert [hit.summary.number for hit in (await desk.search(guild_id, "quokka")).items] == [3]
    assert crossings(db_path) == []
