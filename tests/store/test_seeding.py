"""Seeding: safe to repeat, follows a changed seed file, and never overwrites a moderator's work."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.desk import Desk, SeedReport
from bot.domain.claims import SEED_ACTOR
from bot.domain.states import Verdict
from bot.seedfile import SeedStory, load_story
from tests.desks import opened_desk
from tests.store.conftest import (
    ALICE,
    GUILD_A,
    GUILD_B,
    SEEDED_CLAIMS,
    SEEDED_RELATIONS,
    SHIPPED_STORY,
    number_of,
    rewrite_claim,
    scalar,
    write_seed,
)


def counts(path: Path) -> tuple[int, int, int, int, int]:
    return (
        scalar(path, "SELECT count(*) FROM claims"),  # type: ignore[return-value]
        scalar(path, "SELECT count(*) FROM relations"),
        scalar(path, "SELECT count(*) FROM history"),
        scalar(path, "SELECT count(*) FROM speakers"),
        scalar(path, "SELECT count(*) FROM stories"),
    )


async def test_ensure_guild_twice_seeds_once(db_path: Path, seed: SeedStory) -> None:
    async with opened_desk(db_path, [seed]) as desk:
        await desk.ensure_guild(GUILD_A)
        first = counts(db_path)
        await desk.ensure_guild(GUILD_A)
    async with opened_desk(db_path, [seed]) as desk:  # a fresh process has no memory of the guild
        await desk.ensure_guild(GUILD_A)
    assert first[:3] == (SEEDED_CLAIMS, SEEDED_RELATIONS, SEEDED_CLAIMS)
    assert counts(db_path) == first


async def test_apply_seed_twice_duplicates_nothing(desk: Desk, seed: SeedStory, db_path: Path) -> None:
    await desk.ensure_guild(GUILD_B)
    before = counts(db_path)

    first = await desk.apply_seed(seed)
    second = await desk.apply_seed(seed, [GUILD_A, GUILD_B])

    assert first == SeedReport(guilds=2, added=0, updated=0, kept=0)
    assert second == SeedReport(guilds=2, added=0, updated=0, kept=0)
    assert counts(db_path) == before
    assert before[:3] == (2 * SEEDED_CLAIMS, 2 * SEEDED_RELATIONS, 2 * SEEDED_CLAIMS)


async def test_apply_seed_into_a_new_guild_adds_the_story_once(db_path: Path, seed: SeedStory) -> None:
    async with opened_desk(db_path) as desk:  # no seeds at start-up: apply_seed does all the work
        report = await desk.apply_seed(seed, [GUILD_A])
        again = await desk.apply_seed(seed, [GUILD_A])
    assert report == SeedReport(guilds=1, added=SEEDED_CLAIMS, updated=0, kept=0)
    assert again == SeedReport(guilds=1, added=0, updated=0, kept=0)
    assert counts(db_path)[:3] == (SEEDED_CLAIMS, SEEDED_RELATIONS, SEEDED_CLAIMS)


async def test_changed_seed_updates_untouched_claims_and_keeps_moderated_ones(
    desk: Desk, db_path: Path, tmp_path: Path
) -> None:
    campbell = number_of(db_path, GUILD_A, "campbell-personnel-being-evaluated")
    white_paper = number_of(db_path, GUILD_A, "white-paper-1-28-million")
    rutte = number_of(db_path, GUILD_A, "rutte-no-evidence")
    await desk.set_verdict(
        GUILD_A, rutte, Verdict.CONFIRMED, note="NATO confirmed later.", source_url=None, actor=ALICE
    )
    rutte_before = await desk.claim(GUILD_A, rutte)
    history_before = scalar(db_path, "SELECT count(*) FROM history")

    text = SHIPPED_STORY.read_text(encoding="utf-8")
    text = rewrite_claim(
        text,
        "campbell-personnel-being-evaluated",
        "are still being evaluated.",
        "are still being evaluated by Washington.",
    )
    text = rewrite_claim(text, "white-paper-1-28-million", 'verdict = "unverified"', 'verdict = "confirmed"')
    text = rewrite_claim(text, "rutte-no-evidence", "involved in the fight.", "involved in the fighting.")
    text += (
        '\n[[claims]]\nkey = "added-later"\nspeaker = "Kurt Campbell"\nverbatim = false\n'
        'statement = "A claim the seed file gained later."\nattribution = "on_record"\n'
        'verdict = "unverified"\nrationale = "Added in a later edition of the seed."\n'
    )
    changed = load_story(write_seed(tmp_path, text))

    report = await desk.apply_seed(changed, [GUILD_A])

    assert report == SeedReport(guilds=1, added=1, updated=2, kept=1)
    updated = await desk.claim(GUILD_A, campbell)
    assert (
        updated.statement
        == "Reports of North Korean personnel being sent to Russia are still being evaluated by Washington."
    )
    assert (await desk.claim(GUILD_A, white_paper)).verdict == Verdict.CONFIRMED
    assert await desk.claim(GUILD_A, rutte) == rutte_before  # the moderator's claim is left alone
    assert (await desk.claim(GUILD_A, SEEDED_CLAIMS + 1)).statement == "A claim the seed file gained later."

    statement_change = (await desk.history(GUILD_A, campbell)).items[0]
    assert (statement_change.field, statement_change.actor) == ("statement", SEED_ACTOR)
    assert statement_change.new_value.endswith("by Washington.")
    verdict_change = (await desk.history(GUILD_A, white_paper)).items[0]
    assert (verdict_change.field, verdict_change.old_value, verdict_change.new_value) == (
        "verdict",
        "unverified",
        "confirmed",
    )
    assert verdict_change.actor == SEED_ACTOR
    # one statement change, one verdict change, one creation row for the added claim
    assert scalar(db_path, "SELECT count(*) FROM history") == history_before + 3

    # The same changed file again changes nothing more; the moderated claim is still reported as kept.
    assert await desk.apply_seed(changed, [GUILD_A]) == SeedReport(guilds=1, added=0, updated=0, kept=1)
    assert scalar(db_path, "SELECT count(*) FROM history") == history_before + 3


async def test_reseeding_a_guild_never_touches_another_guilds_claims(desk: Desk, db_path: Path, tmp_path: Path) -> None:
    await desk.ensure_guild(GUILD_B)
    text = rewrite_claim(
        SHIPPED_STORY.read_text(encoding="utf-8"),
        "white-paper-1-28-million",
        'verdict = "unverified"',
        'verdict = "false"',
    )
    report = await desk.apply_seed(load_story(write_seed(tmp_path, text)), [GUILD_A])
    assert report == SeedReport(guilds=1, added=0, updated=1, kept=0)
    assert (await desk.claim(GUILD_A, number_of(db_path, GUILD_A, "white-paper-1-28-million"))).verdict == Verdict.FALSE
    b_number = number_of(db_path, GUILD_B, "white-paper-1-28-million")
    assert (await desk.claim(GUILD_B, b_number)).verdict == Verdict.UNVERIFIED


async def test_a_new_guild_seen_twice_at_once_is_seeded_once(db_path: Path, seed: SeedStory) -> None:
    async with opened_desk(db_path, [seed]) as desk:
        await asyncio.gather(desk.ensure_guild(GUILD_B), desk.ensure_guild(GUILD_B), desk.ensure_guild(GUILD_B))
    assert counts(db_path)[:3] == (SEEDED_CLAIMS, SEEDED_RELATIONS, SEEDED_CLAIMS)
