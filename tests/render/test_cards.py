from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.claims import Evidence, RelationKind, Story
from bot.domain.states import Attribution, Verdict
from bot.render import custom_ids
from bot.render.cards import claim_buttons, claim_card
from tests.render.helpers import (
    NASTY,
    assert_valid_embed,
    assert_valid_view,
    card,
    change,
    claim,
    relation,
)


def _field(embed, name: str) -> str:  # type: ignore[no-untyped-def]
    return next(field.value for field in embed.fields if field.name == name)


def test_card_of_verbatim_quote_shows_it_in_quotation_marks() -> None:
    embed = claim_card(card(claim(statement="We know about 10,000 soldiers.")))

    assert_valid_embed(embed)
    assert embed.description is not None
    assert embed.description.startswith("“We know about 10,000 soldiers.”")
    assert "paraphrase" not in embed.description


def test_card_of_paraphrase_is_marked_and_not_quoted() -> None:
    embed = claim_card(card(claim(statement="Troops are in Kursk.", verbatim=False)))

    assert embed.description is not None
    assert embed.description.startswith("Troops are in Kursk. *(paraphrase)*")
    assert "“" not in embed.description


@pytest.mark.parametrize("verdict", list(Verdict))
def test_card_colour_and_verdict_field_follow_the_verdict(verdict: Verdict) -> None:
    embed = claim_card(card(claim(verdict=verdict)))

    assert embed.colour is not None
    assert embed.colour.value == verdict.look.colour
    assert _field(embed, "Verdict") == f"{verdict.look.emoji} **{verdict.look.label}**\n{verdict.look.meaning}"


def test_card_shows_attribution_separately_from_the_verdict() -> None:
    embed = claim_card(card(claim(attribution=Attribution.DISPUTED_QUOTE)))

    assert "Quote disputed" in _field(embed, "Attribution")
    assert Attribution.DISPUTED_QUOTE.look.meaning in _field(embed, "Attribution")


def test_card_names_speaker_role_venue_and_date() -> None:
    embed = claim_card(card())

    assert embed.description is not None
    assert "— **Volodymyr Zelensky**, President of Ukraine" in embed.description
    assert "Press conference in Brussels · 2024-10-17" in embed.description


def test_card_links_the_story_title_with_publisher_and_date() -> None:
    embed = claim_card(card())

    assert _field(embed, "Story") == "[North Korean troops in Russia](https://example.com/r) · Reuters · 2024-10-17"


def test_card_story_without_a_link_shows_the_title_unlinked() -> None:
    story = Story("s", "A report", "AP", "", date(2024, 1, 2))
    embed = claim_card(card(claim(story=story)))

    assert _field(embed, "Story") == "*A report* · AP · 2024-01-02"


def test_card_latest_change_says_what_who_when_why_and_source() -> None:
    latest = change(note="New figures from Seoul.", source_url="https://example.com/seoul", actor="Mod Maria")
    embed = claim_card(card(latest=latest))

    value = _field(embed, "Latest change")
    assert "⚪ Unverified → 🟠 Disputed" in value
    assert "by **Mod Maria**" in value
    assert f"<t:{int(latest.at.timestamp())}:R>" in value
    assert "New figures from Seoul." in value
    assert "https://example.com/seoul" in value


def test_card_lists_evidence_with_notes_and_counts_the_rest() -> None:
    evidence = tuple(Evidence(f"https://example.com/e{n}", f"Report {n}") for n in range(30))
    embed = claim_card(card(claim(evidence=evidence)))

    value = _field(embed, "Evidence")
    assert "• [Report 0](https://example.com/e0)" in value
    assert value.endswith("+20 more")


def test_card_lists_related_claims_by_direction_and_verdict() -> None:
    relations = (relation(6), relation(9, kind=RelationKind.SUPPORTS, outgoing=True, note="same figure"))
    embed = claim_card(card(relations=relations))

    value = _field(embed, "Related claims")
    assert "• contradicted by **#6** Rutte · ⚪ Unverified" in value
    assert "• supports **#9** Rutte · ⚪ Unverified — same figure" in value


def test_card_of_6000_char_statement_fits_discord_limits() -> None:
    embed = claim_card(card(claim(statement="word " * 1200)))

    assert_valid_embed(embed)
    assert embed.description is not None
    assert embed.description.startswith("“word word")
    assert "…”" in embed.description


def test_card_at_every_limit_at_once_still_fits_and_keeps_the_verdict() -> None:
    name = "N" * 100 + " " + "M" * 99
    worst = claim(
        statement=(NASTY + " ") * 40,
        speaker_name=name,
        role="R" * 200,
        venue="V" * 200,
        said_when="W" * 200,
        rationale=(NASTY + " ") * 20,
        story=Story("s", "T" * 400, "P" * 300, "https://example.com/" + "p" * 480, date(2024, 1, 1)),
        evidence=tuple(Evidence("https://example.com/" + "e" * 480, NASTY) for _ in range(30)),
    )
    relations = tuple(relation(n, note=NASTY) for n in range(50))
    latest = change(note=NASTY * 5, actor=NASTY, source_url="https://example.com/" + "s" * 480)
    embed = claim_card(card(worst, latest=latest, relations=relations))

    assert_valid_embed(embed)
    assert _field(embed, "Verdict").startswith("🟠 **Disputed**")
    assert _field(embed, "Related claims").endswith("more")
    assert embed.description is not None
    assert len(embed.description) > 1000, "the statement keeps the largest share"


def test_card_with_markdown_and_mentions_in_every_member_field_is_safe() -> None:
    nasty = claim(statement=NASTY, speaker_name=NASTY, role=NASTY, venue=NASTY, said_when=NASTY, rationale=NASTY)
    embed = claim_card(card(nasty, latest=change(note=NASTY, actor=NASTY), relations=(relation(2, note=NASTY),)))

    assert_valid_embed(embed)


def test_card_without_rationale_change_evidence_or_relations_omits_those_fields() -> None:
    bare = card(claim(rationale="", story=None), relations=())
    embed = claim_card(type(bare)(bare.claim, None, ()))

    assert_valid_embed(embed)
    assert [field.name for field in embed.fields] == ["Story", "Attribution", "Verdict"]


def test_claim_buttons_are_persistent_with_namespaced_ids() -> None:
    view = claim_buttons(42)

    assert_valid_view(view)
    buttons = [(item.label, item.custom_id) for item in view.children]  # type: ignore[attr-defined]
    assert buttons == [
        ("History", custom_ids.claim_history(42)),
        ("More from this speaker", custom_ids.claim_speaker(42)),
        ("Related claims", custom_ids.claim_related(42)),
    ]


_MEMBER_TEXT = st.lists(
    st.sampled_from(["**", "_", "`", "\\", "<", "@everyone", "<@1>", "#", "\n", " ", "\u202e", "word", ":", ">"])
    | st.text(max_size=8),
    max_size=40,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(text=_MEMBER_TEXT, repeat=st.integers(1, 200), count=st.integers(0, 40), verbatim=st.booleans())
def test_card_of_any_member_text_is_a_valid_message(text: str, repeat: int, count: int, verbatim: bool) -> None:
    nasty = claim(
        statement=text * repeat,
        verbatim=verbatim,
        speaker_name=text,
        role=text,
        venue=text,
        said_when=text,
        rationale=text * repeat,
        story=Story("s", text, text, "https://example.com/" + text[:20], date(2024, 1, 1)),
        evidence=tuple(Evidence("https://example.com/e", text) for _ in range(count)),
    )
    relations = tuple(relation(n, note=text) for n in range(count))
    embed = claim_card(card(nasty, latest=change(note=text * repeat, actor=text), relations=relations))

    assert_valid_embed(embed)
