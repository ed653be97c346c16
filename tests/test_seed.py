"""The seed story: the shipped file covers the article, and a broken seed file says where it is broken."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.desk import Desk
from bot.domain.claims import RelationKind
from bot.domain.states import Attribution, Verdict
from bot.seedfile import SeedClaim, SeedError, SeedStory, load_stories, load_story
from tests.desks import opened_desk
from tests.store.conftest import GUILD_A, SHIPPED_STORY, number_of, rewrite_claim, write_seed

ZELENSKY_QUOTE = "We know about 10,000 soldiers of North Korea, that they are preparing to send to fight against us."


@pytest.fixture(scope="module")
def shipped() -> SeedStory:
    return load_story(SHIPPED_STORY)


def by_key(story: SeedStory, key: str) -> SeedClaim:
    matches = [c for c in story.claims if c.key == key]
    assert len(matches) == 1, f"no single claim with key {key!r}"
    return matches[0]


def relation_keys(story: SeedStory, kind: RelationKind) -> set[tuple[str, str]]:
    return {(r.source, r.target) for r in story.relations if r.kind == kind}


# ----------------------------------------------------------------------------- the shipped story


def test_the_stories_directory_loads_and_holds_the_shipped_story() -> None:
    stories = load_stories()
    assert [s.story.slug for s in stories] == ["north-korea-troops-2024-10-17"]
    assert len(stories[0].claims) == 16
    assert len(stories[0].relations) == 13


def test_story_metadata(shipped: SeedStory) -> None:
    assert shipped.story.title == "North Korea to Send 10,000 Troops to Ukraine, Zelensky Warns"
    assert shipped.story.published.isoformat() == "2024-10-17"
    assert "Bloomberg" in shipped.story.publisher


def test_zelenskys_quote_is_verbatim_in_brussels_on_the_17th(shipped: SeedStory) -> None:
    claim = by_key(shipped, "zelensky-we-know-10000").claim
    assert claim.statement == ZELENSKY_QUOTE
    assert claim.verbatim is True
    assert (claim.speaker, claim.role) == ("Volodymyr Zelensky", "President of Ukraine")
    assert claim.said_when == "2024-10-17"
    assert "Brussels" in claim.venue
    assert claim.attribution == Attribution.ON_RECORD
    assert claim.verdict == Verdict.DISPUTED


def test_the_only_verbatim_claim_is_the_only_quote_in_the_article(shipped: SeedStory) -> None:
    assert [c.key for c in shipped.claims if c.claim.verbatim] == ["zelensky-we-know-10000"]


def test_zelenskys_warning_is_paraphrased_and_same_as_the_quote(shipped: SeedStory) -> None:
    claim = by_key(shipped, "zelensky-preparing-10000-troops").claim
    assert claim.verbatim is False
    assert claim.speaker == "Volodymyr Zelensky"
    assert "10,000 troops" in claim.statement
    assert ("zelensky-we-know-10000", "zelensky-preparing-10000-troops") in relation_keys(shipped, RelationKind.SAME_AS)


def test_ruttes_no_evidence_paraphrase_contradicts_zelensky(shipped: SeedStory) -> None:
    claim = by_key(shipped, "rutte-no-evidence").claim
    assert (claim.speaker, claim.role, claim.verbatim) == ("Mark Rutte", "NATO Secretary General", False)
    assert "no evidence" in claim.statement
    assert claim.said_when == "2024-10-17"
    assert ("rutte-no-evidence", "zelensky-we-know-10000") in relation_keys(shipped, RelationKind.CONTRADICTS)


def test_moscow_calls_the_reports_one_more_fake(shipped: SeedStory) -> None:
    claim = by_key(shipped, "russia-one-more-fake").claim
    assert claim.speaker == "Kremlin"
    assert "Moscow" in claim.speaker_variants
    assert '"one more fake"' in claim.statement
    assert claim.verbatim is False  # only the three words are quoted; the sentence is the story's
    assert claim.said_when == "week of 2024-10-07"  # "last week", seen from Thursday 2024-10-17
    assert ("russia-one-more-fake", "zelensky-we-know-10000") in relation_keys(shipped, RelationKind.CONTRADICTS)


def test_campbell_made_two_statements_in_the_week_of_the_14th(shipped: SeedStory) -> None:
    campbell = [c.claim for c in shipped.claims if c.claim.speaker == "Kurt Campbell"]
    assert len(campbell) == 2
    assert {c.said_when for c in campbell} == {"week of 2024-10-14"}
    assert {c.role for c in campbell} == {"U.S. Deputy Secretary of State"}
    assert not any(c.verbatim for c in campbell)
    statements = " | ".join(c.statement for c in campbell)
    assert "artillery shells and missiles" in statements
    assert "still being evaluated" in statements


def test_the_victory_plan_was_presented_in_kyiv_on_the_16th(shipped: SeedStory) -> None:
    for key in ("zelensky-victory-plan", "zelensky-no-concessions"):
        claim = by_key(shipped, key).claim
        assert claim.speaker == "Volodymyr Zelensky"
        assert claim.said_when == "2024-10-16"
        assert "Kyiv" in claim.venue
    assert "victory plan" in by_key(shipped, "zelensky-victory-plan").claim.statement
    assert "frozen conflict" in by_key(shipped, "zelensky-no-concessions").claim.statement


def test_the_treaty_was_agreed_by_putin_and_kim_on_june_19th(shipped: SeedStory) -> None:
    treaty = {c.claim.speaker: c.claim for c in shipped.claims if c.claim.said_when == "2024-06-19"}
    assert set(treaty) == {"Vladimir Putin", "Kim Jong Un"}
    assert {c.verdict for c in treaty.values()} == {Verdict.CONFIRMED}
    assert all("immediate military assistance" in c.statement for c in treaty.values())


def test_the_1_28_million_figure_comes_from_south_koreas_white_paper(shipped: SeedStory) -> None:
    claim = by_key(shipped, "white-paper-1-28-million").claim
    assert claim.speaker == "South Korean Ministry of National Defense"
    assert "1.28 million" in claim.statement
    assert "white paper" in claim.venue
    assert claim.attribution == Attribution.VIA_OUTLET


def test_the_arms_accusation_and_both_denials(shipped: SeedStory) -> None:
    accusation = by_key(shipped, "washington-seoul-arms-accusation").claim
    assert accusation.speaker == "Washington and Seoul"
    assert "artillery shells and ballistic missiles" in accusation.statement
    assert by_key(shipped, "pyongyang-denies-arms").claim.speaker == "North Korean government"
    assert by_key(shipped, "moscow-denies-arms").claim.speaker == "Kremlin"
    contradicts = relation_keys(shipped, RelationKind.CONTRADICTS)
    assert ("pyongyang-denies-arms", "washington-seoul-arms-accusation") in contradicts
    assert ("moscow-denies-arms", "washington-seoul-arms-accusation") in contradicts
    assert "propped up North Korea's economy" in by_key(shipped, "washington-seoul-aid-in-exchange").claim.statement


def test_every_claim_has_a_rationale_and_a_date_as_far_as_the_story_tells(shipped: SeedStory) -> None:
    for item in shipped.claims:
        assert item.claim.rationale, item.key
        assert item.claim.said_when, item.key
        assert item.claim.story == shipped.story


@pytest.fixture
async def seeded(tmp_path: Path, shipped: SeedStory) -> AsyncIterator[Desk]:
    async with opened_desk(tmp_path / "claims.db", [shipped]) as desk:
        await desk.ensure_guild(GUILD_A)
        yield desk


async def test_the_seeded_store_shows_the_quote_contradicted_by_rutte_and_moscow(seeded: Desk, tmp_path: Path) -> None:
    number = number_of(tmp_path / "claims.db", GUILD_A, "zelensky-we-know-10000")
    card = await seeded.claim_card(GUILD_A, number)
    assert card.claim.statement == ZELENSKY_QUOTE
    assert card.claim.verbatim is True
    assert card.claim.speaker.name == "Volodymyr Zelensky"
    contradicted_by = {r.other.speaker_name for r in card.relations if r.kind == RelationKind.CONTRADICTS}
    assert contradicted_by == {"Mark Rutte", "Kremlin"}
    assert all(not r.outgoing for r in card.relations if r.kind == RelationKind.CONTRADICTS)
    assert card.latest_change is not None
    assert card.latest_change.actor.name == "claimbot seed"


# ----------------------------------------------------------------------------- broken seed files


def broken(tmp_path: Path, text: str) -> str:
    path = write_seed(tmp_path, text, "broken-story.toml")
    with pytest.raises(SeedError) as raised:
        load_story(path)
    message = str(raised.value)
    assert str(path) in message
    assert "\n" not in message
    return message


@pytest.fixture(scope="module")
def text() -> str:
    return SHIPPED_STORY.read_text(encoding="utf-8")


def test_a_bad_verdict_names_file_claim_and_field(tmp_path: Path, text: str) -> None:
    message = broken(tmp_path, rewrite_claim(text, "rutte-no-evidence", 'verdict = "unverified"', 'verdict = "fake"'))
    assert "claim 6 (rutte-no-evidence), field verdict: " in message
    assert "'misleading'" in message  # the choices are listed


def test_a_bad_when_names_file_claim_and_field_and_the_accepted_forms(tmp_path: Path, text: str) -> None:
    message = broken(
        tmp_path,
        rewrite_claim(text, "campbell-material-support", 'when = "week of 2024-10-14"', 'when = "last Tuesday"'),
    )
    assert "claim 4 (campbell-material-support), field when: " in message
    assert "week of 2024-10-14" in message  # the help lists the forms that would work


def test_an_impossible_date_in_when_is_refused(tmp_path: Path, text: str) -> None:
    message = broken(
        tmp_path, rewrite_claim(text, "zelensky-victory-plan", 'when = "2024-10-16"', 'when = "2024-02-30"')
    )
    assert "zelensky-victory-plan" in message
    assert "field when" in message


def test_a_relation_to_an_unknown_key_names_the_key_and_the_side(tmp_path: Path, text: str) -> None:
    bad = text.replace(
        'from = "moscow-denies-arms"\nkind = "contradicts"\nto = "washington-seoul-arms-accusation"',
        'from = "moscow-denies-arms"\nkind = "contradicts"\nto = "no-such-claim"',
    )
    assert bad != text
    message = broken(tmp_path, bad)
    assert message.endswith("relation 12, field to: no claim has key 'no-such-claim'")


def test_a_duplicate_key_names_the_key(tmp_path: Path, text: str) -> None:
    message = broken(
        tmp_path,
        rewrite_claim(
            text, "kim-mutual-assistance", 'key = "kim-mutual-assistance"', 'key = "putin-mutual-assistance"'
        ),
    )
    # Counted from 1 like every other seed error: the ninth [[claims]] block reuses the eighth's key.
    assert message.endswith("claim 9 (putin-mutual-assistance), field key: used twice")


def test_a_speaker_missing_from_the_speakers_list_is_named(tmp_path: Path, text: str) -> None:
    message = broken(
        tmp_path, rewrite_claim(text, "moscow-denies-arms", 'speaker = "Kremlin"', 'speaker = "Kremlin Press"')
    )
    assert message.endswith("claim 13 (moscow-denies-arms), field speaker: 'Kremlin Press' is not in [[speakers]]")


def test_an_unknown_field_is_named(tmp_path: Path, text: str) -> None:
    message = broken(
        tmp_path, rewrite_claim(text, "rutte-no-evidence", "verbatim = false", "verbatim = false\nverdit = 1")
    )
    assert "rutte-no-evidence" in message
    assert "field verdit" in message


def test_an_empty_statement_is_named(tmp_path: Path, text: str) -> None:
    message = broken(
        tmp_path,
        rewrite_claim(
            text,
            "white-paper-1-28-million",
            'statement = "North Korea maintains around 1.28 million active troops."',
            'statement = "   "',
        ),
    )
    assert "white-paper-1-28-million" in message
    assert "field statement" in message


def test_a_bad_relation_kind_names_the_relation(tmp_path: Path, text: str) -> None:
    message = broken(tmp_path, text.replace('kind = "contradicts"', 'kind = "refutes"', 1))
    assert "relation 2, field kind: " in message


def test_a_toml_syntax_error_names_the_file(tmp_path: Path, text: str) -> None:
    message = broken(tmp_path, text.replace('[story]\nslug = "', "[story]\nslug = ", 1))
    assert "cannot read" in message


def test_a_seed_file_with_no_claims_is_refused(tmp_path: Path, text: str) -> None:
    story_only = text[: text.index("[[speakers]]")]
    message = broken(tmp_path, story_only)
    assert "claims" in message


def test_the_shipped_story_names_north_korea_russia_and_south_korea_every_way_the_article_does(
    shipped: SeedStory,
) -> None:
    names = set(shipped.aliases)
    assert {("North Korea", "DPRK"), ("North Korea", "NK"), ("North Korea", "Pyongyang")} <= names
    assert {("Russia", "Moscow"), ("Russia", "Kremlin"), ("South Korea", "Seoul")} <= names


def test_a_name_listed_under_two_entities_is_refused(tmp_path: Path, text: str) -> None:
    bad = text.replace('aliases = ["Seoul", ', 'aliases = ["Pyongyang", "Seoul", ', 1)
    assert bad != text
    message = broken(tmp_path, bad)
    assert "field aliases: 'Pyongyang' is North Korea's" in message


def test_an_alias_without_a_word_is_refused(tmp_path: Path, text: str) -> None:
    bad = text.replace('aliases = ["Seoul", ', 'aliases = ["the", "Seoul", ', 1)
    message = broken(tmp_path, bad)
    assert "entities.3.aliases" in message
    assert "every alias needs a word in it" in message
