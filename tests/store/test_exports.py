"""Exports on both backends: the store's paged read, the desk's files, and the story file's round trip
(export a story moderators have worked on, read it with bot/seedfile.py, seed it into a fresh server)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import pytest

from bot.desk import ClaimEdit, Desk, changes
from bot.desk import exports as desk_exports
from bot.desk.exports import ExportFile, ExportFormat, ExportTooLarge
from bot.domain.claims import NewClaim, RelationKind
from bot.domain.exports import ExportClaim
from bot.domain.rules import RuleBroken
from bot.domain.states import Attribution, Verdict
from bot.seedfile import SeedStory, load_story
from tests.exports.helpers import check_claim_review
from tests.store.conftest import ALICE, GUILD_A, GUILD_B, SEEDED_CLAIMS, SEEDED_RELATIONS, number_of

SLUG = "north-korea-troops-2024-10-17"


class Files:
    """Where the desk writes an export: in memory, by file name."""

    def __init__(self) -> None:
        self.data: dict[str, io.BytesIO] = {}

    def open(self, file: ExportFile) -> BinaryIO:
        self.data[file.name] = io.BytesIO()
        return self.data[file.name]

    def text(self, name: str) -> str:
        return self.data[name].getvalue().decode("utf-8")


async def all_claims(desk: Desk, guild_id: int, slug: str | None = None, page: int = 500) -> list[ExportClaim]:
    out: list[ExportClaim] = []
    after = 0
    while True:
        found = await desk.store.export_claims(guild_id, story_slug=slug, after_number=after, limit=page)
        if not found:
            return out
        out += found
        after = found[-1].claim.number


async def work_on_the_story(desk: Desk, seed: SeedStory, db_path: Path) -> dict[str, int]:
    """What moderators do to a story: verdicts, attribution, edits, new claims, evidence, links."""
    first = number_of(db_path, GUILD_A, "zelensky-we-know-10000")
    second = number_of(db_path, GUILD_A, seed.claims[2].key)
    await desk.set_verdict(GUILD_A, first, Verdict.CONFIRMED, note="Imagery shows them.", source_url=None, actor=ALICE)
    await desk.set_attribution(
        GUILD_A, second, Attribution.DISPUTED_QUOTE, note="Wording contested", source_url=None, actor=ALICE
    )
    await desk.edit_claim(
        GUILD_A,
        second,
        ClaimEdit(
            statement='He said "roughly" 10,000, = more later', role="A new role", said_when="week of 2024-10-14"
        ),
        note="Fixed the wording",
        actor=ALICE,
    )
    await desk.add_evidence(GUILD_A, first, "https://evidence.example/imagery", note="Satellite imagery", actor=ALICE)
    added = await desk.add_claim(
        GUILD_A,
        NewClaim(
            statement="Troops were seen near Kursk.",
            verbatim=False,
            speaker="Ada Quillfeather",
            role="Analyst",
            venue="Telegram",
            said_when="2024-10-19",
            story=seed.story,
        ),
        note="Added by a moderator.",
        actor=ALICE,
    )
    await desk.set_verdict(GUILD_A, added.number, Verdict.MISLEADING, note="Old footage.", source_url=None, actor=ALICE)
    bare = await desk.add_claim(
        GUILD_A,
        NewClaim(statement="Nobody has checked this yet.", verbatim=True, speaker="Ada Quillfeather", story=seed.story),
        note="Added by a moderator.",
        actor=ALICE,
    )
    await desk.link_claims(GUILD_A, added.number, RelationKind.SUPPORTS, first, note="Same units", actor=ALICE)
    # A claim in no story: what /mod add made before every claim went to a story (the desk now files one
    # added without a story under the server's latest); written with the desk's own rules, unfiled.
    async with desk.store.transaction() as tx:
        unfiled = await changes.add_claim(
            tx,
            GUILD_A,
            NewClaim(statement="Outside any story.", verbatim=False, speaker="Bo"),
            note="x",
            actor=ALICE,
            at=datetime.now(UTC),
            source_url=None,
        )
    await desk.link_claims(GUILD_A, first, RelationKind.SAME_AS, unfiled.number, note="", actor=ALICE)
    return {"first": first, "second": second, "added": added.number, "bare": bare.number, "unfiled": unfiled.number}


def fields(item: ExportClaim) -> tuple[object, ...]:
    c = item.claim
    return (
        c.statement,
        c.verbatim,
        c.speaker.name,
        c.role,
        c.venue,
        c.said_when,
        c.attribution,
        c.verdict,
        c.rationale or c.verdict.look.meaning,
    )


async def test_export_claims_reads_pages_by_number_with_everything(desk: Desk, seed: SeedStory, db_path: Path) -> None:
    numbers = await work_on_the_story(desk, seed, db_path)
    whole = await all_claims(desk, GUILD_A)
    paged = await all_claims(desk, GUILD_A, page=3)
    assert [i.claim.number for i in paged] == [i.claim.number for i in whole] == sorted(i.claim.number for i in whole)
    assert paged == whole
    assert len(whole) == SEEDED_CLAIMS + 3
    by_number = {i.claim.number: i for i in whole}
    first = by_number[numbers["first"]]
    assert first.seed_key == "zelensky-we-know-10000"
    assert [e.url for e in first.claim.evidence] == ["https://evidence.example/imagery"]
    assert {"Zelensky", "Zelenskiy"} <= set(first.speaker_names)
    assert first.claim.speaker.name not in first.speaker_names
    assert [(c.field, c.new_value) for c in first.history] == [
        ("verdict", seed.claims[1].claim.verdict.value),
        ("verdict", "confirmed"),
        ("evidence", "https://evidence.example/imagery"),
        ("relation", f"same as #{numbers['unfiled']}"),
    ]
    assert first.verdict_change is not None
    assert first.verdict_change.new_value == "confirmed"
    (same,) = [r for r in first.relations if r.target_number == numbers["unfiled"]]
    assert (same.target_number, same.target_story) == (numbers["unfiled"], None)
    added = by_number[numbers["added"]]
    assert [(r.kind, r.target_number, r.target_story, r.note) for r in added.relations] == [
        (RelationKind.SUPPORTS, numbers["first"], SLUG, "Same units")
    ]
    assert by_number[numbers["unfiled"]].claim.story is None


async def test_one_story_and_other_servers_are_kept_apart(desk: Desk, seed: SeedStory, db_path: Path) -> None:
    numbers = await work_on_the_story(desk, seed, db_path)
    await desk.ensure_guild(GUILD_B)
    story = await all_claims(desk, GUILD_A, SLUG, page=4)
    assert numbers["unfiled"] not in {i.claim.number for i in story}
    assert len(story) == SEEDED_CLAIMS + 2
    assert all(i.claim.guild_id == GUILD_A for i in story)
    other = await all_claims(desk, GUILD_B)
    assert len(other) == SEEDED_CLAIMS
    assert all(
        i.claim.guild_id == GUILD_B and i.claim.verdict == s.claim.verdict
        for i, s in zip(other, seed.claims, strict=False)
    )
    assert await all_claims(desk, GUILD_A, "no-such-story") == []
    assert await all_claims(desk, GUILD_A, "\x00") == []
    assert await desk.store.export_claims(2**63 - 1, story_slug=None, after_number=0, limit=10) == []
    assert [s.slug for s in await desk.store.export_stories(GUILD_A)] == [SLUG]
    assert await desk.store.export_unfiled_count(GUILD_A) == 1
    assert await desk.store.export_unfiled_count(GUILD_B) == 0


async def test_story_file_round_trip_gives_the_same_claims(
    desk: Desk, seed: SeedStory, db_path: Path, tmp_path: Path
) -> None:
    numbers = await work_on_the_story(desk, seed, db_path)
    files = Files()
    result = await desk.export(GUILD_A, ExportFormat.STORY, files.open, story_slug=SLUG)
    assert [f.name for f in result.files] == [f"{SLUG}.toml"]
    path = tmp_path / f"{SLUG}.toml"
    path.write_text(files.text(f"{SLUG}.toml"), encoding="utf-8")
    loaded = load_story(path)  # what /mod import and `python -m bot seed` read

    standing = await all_claims(desk, GUILD_A, SLUG)
    key_of = {i.claim.number: i.seed_key or f"claim-{i.claim.number}" for i in standing}
    assert [c.key for c in loaded.claims] == [key_of[i.claim.number] for i in standing]
    for seeded, item in zip(loaded.claims, standing, strict=True):
        new = seeded.claim
        got = (
            new.statement,
            new.verbatim,
            new.speaker,
            new.role,
            new.venue,
            new.said_when,
            new.attribution,
            new.verdict,
            new.rationale,
        )
        assert got == fields(item)
        assert set(new.speaker_variants) == set(item.speaker_names)
        assert new.story == item.claim.story
    expected_relations = {
        (key_of[i.claim.number], r.kind, key_of[r.target_number], r.note)
        for i in standing
        for r in i.relations
        if r.target_number in key_of
    }
    assert {(r.source, r.kind, r.target, r.note) for r in loaded.relations} == expected_relations
    assert len(expected_relations) == SEEDED_RELATIONS + 1
    assert set(loaded.aliases) == {(a.entity, a.name) for a in await desk.store.aliases(GUILD_A)}
    # What the format cannot hold is said, not dropped silently.
    text = files.text(f"{SLUG}.toml")
    assert "# evidence: https://evidence.example/imagery Satellite imagery" in text
    assert f"same as #{numbers['unfiled']} (no story)" in text
    assert any("1 relations to claims outside the story" in n for n in result.notes)
    assert any("1 claims have no rationale" in n for n in result.notes)

    # Seeded into a fresh server (which first gets the shipped story), it gives the same claims.
    await desk.ensure_guild(GUILD_B)
    report = await desk.apply_seed(loaded, [GUILD_B])
    assert report.added == 2
    copied = await all_claims(desk, GUILD_B, SLUG)
    by_key = {i.seed_key: i for i in copied}
    assert set(by_key) == set(key_of.values())
    for item in standing:
        twin = by_key[key_of[item.claim.number]]
        assert fields(twin) == fields(item)
        assert set(twin.speaker_names) >= set(item.speaker_names)
    number_to_key = {i.claim.number: i.seed_key for i in copied}
    assert {
        (number_to_key[i.claim.number], r.kind, number_to_key[r.target_number], r.note)
        for i in copied
        for r in i.relations
    } == expected_relations


async def test_claimreview_export_passes_the_checks(desk: Desk, seed: SeedStory, db_path: Path) -> None:
    await work_on_the_story(desk, seed, db_path)
    await desk.update_guild_settings(GUILD_A, desk_name="Open Facts", desk_url="https://facts.example/desk")
    files = Files()
    result = await desk.export(GUILD_A, ExportFormat.CLAIMREVIEW, files.open, author_name="Server")
    reviews = json.loads(files.text("claimreview-server.json"))
    standing = {i.claim.number: i for i in await all_claims(desk, GUILD_A)}
    concluded = [i for i in standing.values() if i.claim.verdict not in (Verdict.UNVERIFIED, Verdict.INVESTIGATING)]
    assert len(reviews) == len(concluded) > 0
    profile = desk_exports.DeskProfile("Open Facts", "https://facts.example/desk")
    for review in reviews:
        number = int(review["url"].rsplit("-", 1)[1])
        check_claim_review(review, standing[number], profile)
    left_out = len(standing) - len(concluded)
    assert any(f"Left out {left_out} claims without a conclusion" in n for n in result.notes)
    assert result.files[0].size == len(files.data["claimreview-server.json"].getvalue())


async def test_csv_export_has_every_claim_and_every_change(desk: Desk, seed: SeedStory, db_path: Path) -> None:
    numbers = await work_on_the_story(desk, seed, db_path)
    files = Files()
    result = await desk.export(GUILD_A, ExportFormat.CSV, files.open, story_slug=SLUG)
    assert [f.name for f in result.files] == [f"claims-{SLUG}.csv", f"history-{SLUG}.csv"]
    claims = list(csv.DictReader(io.StringIO(files.text(f"claims-{SLUG}.csv").removeprefix("\ufeff"), newline="")))
    assert len(claims) == SEEDED_CLAIMS + 2
    second = next(r for r in claims if r["number"] == str(numbers["second"]))
    assert second["statement"] == """'He said "roughly" 10,000, = more later"""[1:]
    assert second["attribution"] == "disputed_quote"
    history = list(csv.DictReader(io.StringIO(files.text(f"history-{SLUG}.csv").removeprefix("\ufeff"), newline="")))
    assert {r["field"] for r in history if r["claim_number"] == str(numbers["second"])} >= {
        "attribution",
        "statement",
        "role",
        "said_when",
    }
    assert all(r["claim_number"] != str(numbers["unfiled"]) for r in history)


async def test_story_export_of_the_server_writes_a_file_per_story_and_counts_the_rest(
    desk: Desk, seed: SeedStory, db_path: Path
) -> None:
    await work_on_the_story(desk, seed, db_path)
    files = Files()
    result = await desk.export(GUILD_A, ExportFormat.STORY, files.open)
    assert [f.name for f in result.files] == [f"{SLUG}.toml"]
    assert any("1 claims belong to no story" in n for n in result.notes)


async def test_refusals(desk: Desk) -> None:
    files = Files()
    with pytest.raises(RuleBroken, match="no story 'nope'"):
        await desk.export(GUILD_A, ExportFormat.CSV, files.open, story_slug="nope")
    assert files.data == {}
    with pytest.raises(ExportTooLarge):
        await desk.export(GUILD_A, ExportFormat.CSV, files.open, max_bytes=2_000)
    assert sum(len(f.getvalue()) for f in files.data.values()) <= 2_000  # stopped before passing the limit


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://x.example", "https://", "https://a.example/#x", "https://a b", "x" * 600]
)
async def test_desk_url_must_be_a_web_link(desk: Desk, url: str) -> None:
    with pytest.raises(RuleBroken):
        await desk.update_guild_settings(GUILD_A, desk_url=url)
    assert (await desk.guild_settings(GUILD_A)).desk_url == ""


async def test_desk_settings_are_kept_and_cleared(desk: Desk) -> None:
    await desk.update_guild_settings(GUILD_A, moderator_role_id=5)
    saved = await desk.update_guild_settings(GUILD_A, desk_name="  Open   Facts ", desk_url="https://facts.example")
    assert (saved.desk_name, saved.desk_url, saved.moderator_role_id) == ("Open Facts", "https://facts.example", 5)
    reread = await desk.guild_settings(GUILD_A)
    assert reread == saved
    await desk.update_guild_settings(GUILD_A, announce_channel_id=7)  # other settings leave them alone
    assert (await desk.guild_settings(GUILD_A)).desk_url == "https://facts.example"
    await desk.update_guild_settings(GUILD_A, desk_url="")
    assert (await desk.guild_settings(GUILD_A)).desk_url == ""
    with pytest.raises(RuleBroken):
        await desk.update_guild_settings(GUILD_A, desk_name="x" * 101)
