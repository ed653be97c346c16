"""Each primitive of the interface on PostgreSQL: what it returns, in which order, and what it refuses."""

from __future__ import annotations

import time
from datetime import timedelta

import asyncpg

from bot.domain.claims import SEED_ACTOR, Evidence, RelationKind, Story
from bot.domain.names import normalise_name
from bot.domain.states import Attribution, Verdict
from bot.seedfile import SeedStory
from bot.store.base import ID_MAX, ClaimFields, EvidenceRow, Filters, HistoryRow, RelationRow, SpeakerNames
from bot.store.postgres import PostgresStore
from tests.pg import fetch_now
from tests.store_postgres.conftest import (
    ALICE,
    AT,
    GUILD_A,
    GUILD_B,
    SEEDED_CLAIMS,
    add_claim,
    seed_guild,
    verdict_change,
)


async def test_seeding_a_guild_is_one_short_transaction(store: PostgresStore, seed: SeedStory) -> None:
    await seed_guild(store, GUILD_B, seed)  # warm: statements prepared, connections open
    started = time.perf_counter()
    seeded = await seed_guild(store, GUILD_A, seed)
    took = time.perf_counter() - started
    assert len(seeded.ids) == SEEDED_CLAIMS
    assert sorted(seeded.numbers.values()) == list(range(1, SEEDED_CLAIMS + 1))
    print(f"\nseeding one guild ({SEEDED_CLAIMS} claims, history, relations): {took * 1000:.1f} ms")
    assert took < 0.5


async def test_a_new_guild_is_created_once_and_numbers_follow_on(store: PostgresStore) -> None:
    async with store.transaction() as tx:
        assert await tx.create_guilds([GUILD_A], AT) == {GUILD_A}
        assert await tx.create_guilds([GUILD_A], AT) == set()
        assert await tx.reserve_numbers(GUILD_A, 3) == 1
        assert await tx.reserve_numbers(GUILD_A, 1) == 4
        assert await tx.reserve_numbers(GUILD_B, 1) is None
        await tx.update_guild_settings(GUILD_A, moderator_role_id=5, announce_channel_id=None)
    assert await store.guild_ids() == [GUILD_A]
    settings = await store.guild_settings(GUILD_A)
    assert settings is not None
    assert (settings.moderator_role_id, settings.announce_channel_id) == (5, None)
    assert await store.guild_settings(GUILD_B) is None


async def test_a_seeded_claim_reads_back_whole(store: PostgresStore, seed: SeedStory) -> None:
    seeded = await seed_guild(store, GUILD_A, seed)
    item = seed.claims[0]
    claim = await store.claim(GUILD_A, seeded.numbers[item.key])
    assert claim is not None
    assert claim.id == seeded.ids[item.key]
    assert claim.guild_id == GUILD_A
    assert claim.statement == item.claim.statement
    assert claim.verbatim == item.claim.verbatim
    assert claim.speaker.name == item.claim.speaker
    assert claim.role == item.claim.role
    assert claim.story == seed.story
    assert claim.attribution == item.claim.attribution
    assert claim.verdict == item.claim.verdict
    assert claim.revision == 1
    assert claim.created_at == AT
    assert claim.created_at.tzinfo is not None
    assert claim.evidence == item.claim.evidence
    summary = await store.claim_summary(GUILD_A, claim.number)
    assert summary is not None
    assert (summary.number, summary.statement, summary.revision) == (claim.number, claim.statement, 1)
    assert await store.claim(GUILD_B, claim.number) is None


async def test_the_card_holds_the_claim_its_latest_change_and_its_relations(
    store: PostgresStore, seed: SeedStory
) -> None:
    seeded = await seed_guild(store, GUILD_A, seed)
    for key, claim_id in seeded.ids.items():
        number = seeded.numbers[key]
        card = await store.card(GUILD_A, number)
        assert card is not None
        assert card.claim == await store.claim(GUILD_A, number)
        assert card.latest_change == await store.latest_change(claim_id)
        assert list(card.relations) == await store.relations(claim_id)
    assert await store.card(GUILD_B, 1) is None


async def test_relations_go_both_ways_ordered_by_the_other_claims_number(store: PostgresStore) -> None:
    async with store.transaction() as tx:
        await tx.create_guilds([GUILD_A], AT)
    ids = [(await add_claim(store, GUILD_A, f"Claim number {n}"))[0] for n in range(1, 5)]
    async with store.transaction() as tx:
        added = await tx.add_relations(
            [
                RelationRow(GUILD_A, ids[0], RelationKind.SUPPORTS, ids[3], "a", AT),
                RelationRow(GUILD_A, ids[2], RelationKind.CONTRADICTS, ids[0], "b", AT),
                RelationRow(GUILD_A, ids[0], RelationKind.SAME_AS, ids[1], "c", AT),
                RelationRow(GUILD_A, ids[0], RelationKind.SUPPORTS, ids[3], "again", AT),
            ]
        )
        assert added == 3
        assert await tx.add_relations([RelationRow(GUILD_A, ids[0], RelationKind.SUPPORTS, ids[3], "x", AT)]) == 0
    relations = await store.relations(ids[0])
    assert [(r.other.number, r.kind, r.outgoing, r.note) for r in relations] == [
        (2, RelationKind.SAME_AS, True, "c"),
        (3, RelationKind.CONTRADICTS, False, "b"),
        (4, RelationKind.SUPPORTS, True, "a"),
    ]
    assert await store.has_relation(ids[0], RelationKind.SUPPORTS, ids[3])
    assert not await store.has_relation(ids[3], RelationKind.SUPPORTS, ids[0])


async def test_history_is_newest_first_with_a_total(store: PostgresStore) -> None:
    async with store.transaction() as tx:
        await tx.create_guilds([GUILD_A], AT)
    claim_id, number = await add_claim(store, GUILD_A, "The bridge was closed")
    async with store.transaction() as tx:
        changes = await tx.record(
            [
                HistoryRow(GUILD_A, claim_id, number, "verdict", "unverified", "investigating", "n1", None, ALICE, AT),
                HistoryRow(GUILD_A, claim_id, number, "evidence", None, "https://x", "n2", "https://x", ALICE, AT),
                HistoryRow(GUILD_A, claim_id, number, "verdict", "investigating", "false", "n3", None, ALICE, AT),
            ]
        )
    assert [c.note for c in changes] == ["n1", "n2", "n3"]
    assert changes[0].id < changes[1].id < changes[2].id
    page, total = await store.history(claim_id, offset=0, limit=2)
    assert total == 4
    assert [c.note for c in page] == ["n3", "n2"]
    assert page[0] == changes[2]
    page, total = await store.history(claim_id, offset=3, limit=2)
    assert ([c.note for c in page], total) == (["added"], 4)
    assert await store.history(claim_id, offset=10, limit=2) == ([], 4)
    assert (await store.latest_change(claim_id, "verdict")) == changes[2]
    assert (await store.latest_change(claim_id, "evidence")) == changes[1]
    assert await store.latest_change(claim_id, "statement") is None


async def test_the_board_shows_each_claims_latest_verdict_change_newest_first(
    store: PostgresStore, seed: SeedStory
) -> None:
    seeded = await seed_guild(store, GUILD_A, seed)
    first, second = seed.claims[0].key, seed.claims[1].key
    later = AT + timedelta(hours=1)
    async with store.transaction() as tx:
        for verdict in ("investigating", "confirmed", "false"):
            row = verdict_change(GUILD_A, seeded.ids[first], seeded.numbers[first], verdict, verdict, later)
            await tx.record([row])
        await tx.record([verdict_change(GUILD_A, seeded.ids[second], seeded.numbers[second], "disputed", "d", later)])
    board = await store.latest_verdict_changes(GUILD_A, 5)
    assert [(s.number, c.new_value) for s, c in board[:2]] == [
        (seeded.numbers[second], "disputed"),
        (seeded.numbers[first], "false"),
    ]
    assert len({s.number for s, _c in board}) == 5
    counts = await store.verdict_counts(GUILD_A)
    assert sum(counts.values()) == SEEDED_CLAIMS
    assert all(count > 0 for count in counts.values())


async def test_update_claim_applies_fields_and_bumps_the_revision(store: PostgresStore, seed: SeedStory) -> None:
    seeded = await seed_guild(store, GUILD_A, seed)
    key = seed.claims[2].key
    later = AT + timedelta(days=1)
    async with store.transaction() as tx:
        changed = await tx.update_claim(
            seeded.ids[key],
            1,
            ClaimFields(verdict=Verdict.FALSE, rationale="Shown wrong", attribution=Attribution.RETRACTED),
            at=later,
            moderated=True,
        )
        assert changed is True
        stale = await tx.update_claim(seeded.ids[key], 1, ClaimFields(rationale="stale"), at=later, moderated=True)
        assert stale is False
        claim = await tx.claim(GUILD_A, seeded.numbers[key])  # the transaction sees its own write
        assert claim is not None
        assert claim.revision == 2
    claim = await store.claim(GUILD_A, seeded.numbers[key])
    assert claim is not None
    assert (claim.verdict, claim.rationale, claim.attribution) == (Verdict.FALSE, "Shown wrong", Attribution.RETRACTED)
    assert (claim.revision, claim.updated_at) == (2, later)
    recent = await store.recent_claims(GUILD_A, 3)
    assert recent[0].number == seeded.numbers[key]
    seeded_now = await store.seeded_claims(GUILD_A, seed.story.slug)
    assert seeded_now[key].moderated is True
    assert sum(s.moderated for s in seeded_now.values()) == 1
    assert len(seeded_now) == SEEDED_CLAIMS


async def test_evidence_is_kept_in_the_order_it_was_added(store: PostgresStore) -> None:
    async with store.transaction() as tx:
        await tx.create_guilds([GUILD_A], AT)
    claim_id, number = await add_claim(store, GUILD_A, "The dam was hit")
    async with store.transaction() as tx:
        rows = [EvidenceRow(claim_id, f"https://e/{n}", f"note {n}", AT) for n in range(3)]
        assert await tx.update_claim(claim_id, 1, ClaimFields(), at=AT, moderated=False, evidence=rows)
    claim = await store.claim(GUILD_A, number)
    assert claim is not None
    assert claim.evidence == tuple(Evidence(f"https://e/{n}", f"note {n}") for n in range(3))


async def test_speakers_are_found_by_any_spelling_and_listed_by_claims_then_name(
    store: PostgresStore, seed: SeedStory
) -> None:
    await seed_guild(store, GUILD_A, seed)
    zelensky = await store.speaker_id_by_name(GUILD_A, normalise_name("Zelenskiy"))
    assert zelensky is not None
    assert zelensky == await store.speaker_id_by_name(GUILD_A, normalise_name("Volodymyr Zelensky"))
    speaker = await store.speaker(GUILD_A, zelensky)
    assert speaker is not None
    assert list(speaker.variants) == sorted(speaker.variants)
    assert speaker.name not in speaker.variants
    assert await store.speaker(GUILD_B, zelensky) is None
    everyone = await store.speakers_matching(GUILD_A, "", 25)
    assert [(-s.claim_count, s.name) for s in everyone] == sorted((-s.claim_count, s.name) for s in everyone)
    assert sum(s.claim_count for s in everyone) == SEEDED_CLAIMS
    assert zelensky in [s.id for s in await store.speakers_matching(GUILD_A, "zel", 25)]
    assert zelensky in [s.id for s in await store.speakers_matching(GUILD_A, "volo", 25)]
    assert await store.speakers_matching(GUILD_A, "%", 25) == []
    assert await store.speakers_matching(GUILD_A, "_", 25) == []
    claims = await store.speaker_claims(GUILD_A, zelensky, offset=0, limit=50)
    assert [c.number for c in claims] == sorted(c.number for c in claims)
    assert len(claims) == speaker.claim_count


async def test_speaker_ids_resolves_names_in_order_and_adds_variants(store: PostgresStore) -> None:
    async with store.transaction() as tx:
        await tx.create_guilds([GUILD_A], AT)
        first = await tx.speaker_ids(
            GUILD_A,
            [
                SpeakerNames("Kim Jong Un", ("Kim Jong-un",), "Kim"),
                SpeakerNames("NATO"),
                SpeakerNames("kim jong-un"),  # a variant named earlier in the same call
            ],
        )
        assert first[0] == first[2] != first[1]
        again = await tx.speaker_ids(GUILD_A, [SpeakerNames("NATO", ("North Atlantic Treaty Organization",), "NATO")])
        assert again == [first[1]]
    nato = await store.speaker(GUILD_A, first[1])
    assert nato is not None
    assert (nato.variants, nato.short_name) == (("North Atlantic Treaty Organization",), "NATO")
    kim = await store.speaker(GUILD_A, first[0])
    assert kim is not None
    assert (kim.name, kim.variants, kim.short_name) == ("Kim Jong Un", ("Kim Jong-un",), "Kim")


async def test_stories_are_upserted_by_slug(store: PostgresStore, raw: asyncpg.Connection) -> None:
    story = Story("a-story", "A story", "Desk", "https://a", AT.date())
    async with store.transaction() as tx:
        await tx.create_guilds([GUILD_A], AT)
        first = await tx.upsert_story(GUILD_A, story)
        second = await tx.upsert_story(GUILD_A, Story("a-story", "Renamed", "Desk", "", AT.date()))
    assert first == second
    assert await raw.fetchval("SELECT title FROM stories WHERE id = $1", first) == "Renamed"


async def test_ids_past_a_bigint_name_nothing(store: PostgresStore, seed: SeedStory) -> None:
    await seed_guild(store, GUILD_A, seed)
    huge, tiny = ID_MAX + 1, -ID_MAX - 2
    for bad in (huge, tiny, 10**30):
        assert await store.claim(GUILD_A, bad) is None
        assert await store.claim(bad, 1) is None
        assert await store.claim_summary(GUILD_A, bad) is None
        assert await store.card(GUILD_A, bad) is None
        assert await store.guild_settings(bad) is None
        assert await store.latest_change(bad) is None
        assert await store.relations(bad) == []
        assert await store.has_relation(bad, RelationKind.SUPPORTS, 1) is False
        assert await store.history(bad, offset=0, limit=5) == ([], 0)
        assert await store.verdict_counts(bad) == {}
        assert await store.latest_verdict_changes(bad, 5) == []
        assert await store.recent_claims(bad, 5) == []
        assert await store.claims_with_prefixes(GUILD_A, ["troo"], Filters(speaker_id=bad), 5) == []
        assert await store.claims_with_terms(bad, ["troops"], Filters(), 5) == []
        assert await store.indexed(GUILD_A, [bad]) == []
        assert await store.speaker(GUILD_A, bad) is None
        assert await store.speaker_id_by_name(bad, "nato") is None
        assert await store.speakers_matching(bad, "", 5) == []
        assert await store.speaker_claims(GUILD_A, bad, offset=0, limit=5) == []
        assert await store.seeded_claims(bad, seed.story.slug) == {}
    assert await store.history(1, offset=ID_MAX * 2, limit=-5) == ([], 1)
    async with store.transaction() as tx:
        assert await tx.update_claim(huge, 1, ClaimFields(rationale="x"), at=AT, moderated=True) is False
        assert await tx.update_claim(1, huge, ClaimFields(rationale="x"), at=AT, moderated=True) is False
        assert await tx.reserve_numbers(huge, 1) is None


async def test_text_postgresql_cannot_hold_names_nothing_in_reads(store: PostgresStore, seed: SeedStory) -> None:
    await seed_guild(store, GUILD_A, seed)
    for bad in ("nato\x00", "\ud800"):
        assert await store.speaker_id_by_name(GUILD_A, bad) is None
        assert await store.speakers_matching(GUILD_A, bad, 5) == []
        assert await store.seeded_claims(GUILD_A, bad) == {}
        assert await store.latest_change(1, bad) is None


async def test_the_seed_actor_is_recorded_as_such(store: PostgresStore, seed: SeedStory) -> None:
    seeded = await seed_guild(store, GUILD_A, seed)
    change = await store.latest_change(next(iter(seeded.ids.values())))
    assert change is not None
    assert change.actor == SEED_ACTOR
    assert change.at == AT


async def test_an_auditor_can_read_behind_the_stores_back_from_async_code(
    store: PostgresStore, postgres_url: str, seed: SeedStory
) -> None:
    await seed_guild(store, GUILD_A, seed)
    assert fetch_now(postgres_url, "SELECT count(*) FROM claims WHERE guild_id = $1", GUILD_A) == [(SEEDED_CLAIMS,)]
