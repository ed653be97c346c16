"""The story file: what bot/seedfile.py reads back is the claims as they stand."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from bot.domain.claims import Alias, Evidence, RelationKind
from bot.domain.exports import ExportRelation
from bot.domain.states import Attribution, Verdict
from bot.exports import storyfile
from bot.seedfile import load_story
from tests.exports.helpers import STORY, item, with_claim


def load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "story.toml"
    path.write_text(text, encoding="utf-8")
    return load_story(path)


def test_the_seed_loader_reads_back_every_field(tmp_path: Path) -> None:
    items = [
        item(1, seed_key="zelensky-we-know-10000", verdict=Verdict.DISPUTED, attribution=Attribution.ON_RECORD),
        item(
            2,
            speaker="Mark Rutte",
            names=("Rutte",),
            role="NATO Secretary General",
            statement="We have no evidence.",
            verbatim=False,
            said_when="week of 2024-10-14",
            venue="",
            verdict=Verdict.UNVERIFIED,
            rationale="",
            attribution=Attribution.VIA_OUTLET,
            relations=(ExportRelation(RelationKind.CONTRADICTS, 1, STORY.slug, "No evidence yet"),),
        ),
    ]
    text, notes = storyfile.render(STORY, items)
    seed = load(tmp_path, text)
    assert seed.story == STORY
    first, second = seed.claims
    assert first.key == "zelensky-we-know-10000"
    assert second.key == "claim-2"
    for loaded, source in ((first, items[0]), (second, items[1])):
        claim = source.claim
        new = loaded.claim
        assert (new.statement, new.verbatim, new.speaker, new.role, new.venue, new.said_when) == (
            claim.statement,
            claim.verbatim,
            claim.speaker.name,
            claim.role,
            claim.venue,
            claim.said_when,
        )
        assert (new.attribution, new.verdict) == (claim.attribution, claim.verdict)
        assert set(new.speaker_variants) == set(source.speaker_names)
    assert first.claim.rationale == items[0].claim.rationale
    # The file requires a rationale: a claim without one gets its verdict's meaning, and the notes say so.
    assert second.claim.rationale == Verdict.UNVERIFIED.look.meaning
    assert any("no rationale" in n for n in notes)
    (relation,) = seed.relations
    assert (relation.source, relation.kind, relation.target, relation.note) == (
        "claim-2",
        RelationKind.CONTRADICTS,
        "zelensky-we-know-10000",
        "No evidence yet",
    )


def test_evidence_and_outside_relations_are_comments_and_counted(tmp_path: Path) -> None:
    source = item(
        1,
        evidence=(Evidence("https://a.example/1", "Imagery\nsecond line"),),
        relations=(ExportRelation(RelationKind.SUPPORTS, 9, "other-story", ""),),
    )
    text, notes = storyfile.render(STORY, [source])
    assert "# evidence: https://a.example/1 Imagery second line" in text
    assert "# relation: claim-1 supports #9 (story other-story)" in text
    assert load(tmp_path, text).relations == ()
    assert any("no field for evidence: 1 links" in n for n in notes)
    assert any("1 relations to claims outside the story" in n for n in notes)


def test_member_text_cannot_break_the_toml(tmp_path: Path) -> None:
    nasty = 'a "quote" \\ back\\slash\n[[claims]]\nkey = "x"\t\x07 \x7f # not a comment ""\u202e'
    source = with_claim(item(), statement=nasty, rationale=nasty)
    text, _ = storyfile.render(STORY, [source])
    data = tomllib.loads(text)
    assert len(data["claims"]) == 1
    assert data["claims"][0]["statement"] == nasty
    assert data["claims"][0]["rationale"] == nasty


def test_keys_stay_unique_when_a_seed_key_looks_generated(tmp_path: Path) -> None:
    items = [item(1, seed_key="claim-2"), item(2), item(3, seed_key="Not A Key!")]
    text, _ = storyfile.render(STORY, items)
    keys = [c.key for c in load(tmp_path, text).claims]
    assert keys == ["claim-2", "claim-2-2", "claim-3"]


def test_entities_are_the_servers_other_names(tmp_path: Path) -> None:
    aliases = [
        Alias("North Korea", "DPRK"),
        Alias("North Korea", "Pyongyang"),
        Alias("Russia", "Kremlin"),
        Alias("Russia", "the"),  # no word in it: the file would refuse it
    ]
    text, notes = storyfile.render(STORY, [item()], aliases)
    seed = load(tmp_path, text)
    assert seed.aliases == (("North Korea", "DPRK"), ("North Korea", "Pyongyang"), ("Russia", "Kremlin"))
    assert any("1 other names" in n for n in notes)


def test_a_date_the_file_does_not_take_is_a_comment(tmp_path: Path) -> None:
    text, notes = storyfile.render(STORY, [item(said_when="sometime in autumn")])
    assert "# when: sometime in autumn" in text
    assert load(tmp_path, text).claims[0].claim.said_when == ""
    assert any("dates" in n for n in notes)


@pytest.mark.parametrize("url", ["", 'https://example.com/a?b=c&d="e"'])
def test_story_fields_round_trip(tmp_path: Path, url: str) -> None:
    story = replace(STORY, url=url, title='Say "hi" — Київ')
    text, _ = storyfile.render(story, [item(story=story)])
    assert load(tmp_path, text).story == story
