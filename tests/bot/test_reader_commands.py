"""What a reader sees, through the real client and the local Discord."""

from __future__ import annotations

import pytest

from bot.desk import Desk
from bot.domain.claims import Actor, NewClaim, RelationKind
from bot.domain.states import Verdict
from tests.bot.conftest import BOTH_BACKENDS, Newsroom
from tests.bot.support import description, fields

# Every test here runs on SQLite and, where a server answers, on PostgreSQL.
pytestmark = pytest.mark.parametrize("bot_backend", BOTH_BACKENDS, indirect=True)

SETUP = Actor(1, "test setup")


async def test_claim_autocomplete_for_troops_offers_zelenskys_claim_first(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    result = await d.autocomplete(newsroom.guild, newsroom.reader, "claim", "claim", "troops")
    await result
    names = [c["name"] for c in result.choices]
    assert names, "no suggestions"
    assert names[0].startswith("#1 · Zelensky")
    assert "troops" in names[0]
    assert all(len(n) <= 100 for n in names)


async def test_claim_card_shows_disputed_and_what_contradicts_it(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    result = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "2"})
    await result
    assert not result.ephemeral
    text = result.text
    assert "We know about 10,000 soldiers" in text
    assert "Disputed" in text
    assert "Rutte" in text
    assert "contradicted by" in text.lower()


# /claim: what the member may type


@pytest.mark.parametrize(
    ("typed", "number", "words"),
    [
        ("7", 7, "one more fake"),
        ("#7", 7, "one more fake"),
        (" # 2 ", 2, "We know about 10,000 soldiers"),
        ("one more fake", 7, "one more fake"),
        ("artillery shells ballistic missiles Seoul", 11, "Kim has sent artillery shells"),
    ],
)
async def test_claim_is_found_by_number_hash_number_or_words(
    newsroom: Newsroom, claimbot, typed: str, number: int, words: str
) -> None:
    result = await newsroom.driver.slash(newsroom.guild, newsroom.reader, "claim", {"claim": typed})
    await result
    assert not result.ephemeral
    card = result.original
    assert card is not None
    assert card.embeds[0]["title"] == f"Claim #{number}"
    assert words in description(card)


async def test_claim_that_matches_nothing_is_answered_privately(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    result = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "zzyzx quux"})
    await result
    assert result.ephemeral
    assert result.text.startswith("No claim matches “zzyzx quux”")
    assert d.messages(newsroom.general, ephemeral=False) == []


@pytest.mark.parametrize("typed", ["#99", "99"])
async def test_claim_number_that_does_not_exist_says_so(newsroom: Newsroom, claimbot, typed: str) -> None:
    result = await newsroom.driver.slash(newsroom.guild, newsroom.reader, "claim", {"claim": typed})
    await result
    assert result.ephemeral
    assert result.text == "There is no claim #99 in this server."


# /claim: autocomplete


@pytest.mark.parametrize("typed", ["7", "#7"])
async def test_claim_autocomplete_puts_the_typed_number_first(newsroom: Newsroom, claimbot, typed: str) -> None:
    result = await newsroom.driver.autocomplete(newsroom.guild, newsroom.reader, "claim", "claim", typed)
    await result
    first = result.choices[0]
    assert first["value"] == "7"
    assert first["name"].startswith("#7 · Kremlin: ")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("artillery shells", {11, 12, 13}),  # statement words
        ("artil", {11, 12, 13}),  # a word prefix
        ("rutte", {6}),  # a speaker's variant
        ("kreml", {7, 13}),  # a speaker's prefix
    ],
)
async def test_claim_autocomplete_matches_words_prefixes_and_speakers(
    newsroom: Newsroom, claimbot, typed: str, expected: set[int]
) -> None:
    result = await newsroom.driver.autocomplete(newsroom.guild, newsroom.reader, "claim", "claim", typed)
    await result
    offered = {int(choice["value"]) for choice in result.choices}
    assert expected <= offered
    for choice in result.choices:
        assert choice["name"].startswith(f"#{choice['value']} · ")


async def test_claim_autocomplete_offers_at_most_25_choices_with_short_names(newsroom: Newsroom, desk: Desk) -> None:
    long_statement = "North Korea " + "troops and artillery and missiles " * 100
    for index in range(30):
        new = NewClaim(statement=f"{long_statement} {index}", verbatim=True, speaker="Kim Jong Un " + "X" * 150)
        await desk.add_claim(newsroom.guild.id, new, note="setup", actor=SETUP)
    for typed in ("", "north", "troops artillery", "kim"):
        result = await newsroom.driver.autocomplete(newsroom.guild, newsroom.reader, "claim", "claim", typed)
        await result
        assert 0 < len(result.choices) <= 25, typed
        assert all(1 <= len(choice["name"]) <= 100 for choice in result.choices), typed
        assert all(len(choice["value"]) <= 100 for choice in result.choices), typed


# The card


async def test_card_shows_every_part_of_a_verbatim_claim(newsroom: Newsroom, desk: Desk) -> None:
    await desk.add_evidence(
        newsroom.guild.id, 2, "https://example.org/brussels", note="Press conference video", actor=SETUP
    )
    result = await newsroom.driver.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "2"})
    await result
    card = result.original
    assert card is not None
    text = description(card)
    # the exact words, in quotation marks; who said it, in what role; where and when
    assert text.startswith(
        "“We know about 10,000 soldiers of North Korea, that they are preparing to send to fight against us.”"
    )
    assert "— **Volodymyr Zelensky**, President of Ukraine" in text
    assert "Brussels, told reporters · 2024-10-17" in text
    parts = fields(card)
    assert "North Korea to Send 10,000 Troops to Ukraine, Zelensky Warns" in parts["Story"]
    assert "TIME (Bloomberg)" in parts["Story"]
    assert "On the record" in parts["Attribution"]
    assert "Said publicly, in their own name." in parts["Attribution"]
    assert "Disputed" in parts["Verdict"]
    assert "Credible sources disagree; not settled." in parts["Verdict"]
    assert parts["Why this verdict"].startswith("Zelensky gave no evidence")
    assert "**Evidence**: https://example.org/brussels" in parts["Latest change"]
    assert "by **test setup**" in parts["Latest change"]
    assert "[Press conference video](https://example.org/brussels)" in parts["Evidence"]
    assert "contradicted by **#6** Rutte" in parts["Related claims"]
    assert "contradicted by **#7** Kremlin" in parts["Related claims"]
    assert "same as **#1** Zelensky" in parts["Related claims"]
    assert card.custom_ids == ["claimbot:claim:history:2", "claimbot:claim:speaker:2", "claimbot:claim:related:2"]


async def test_card_marks_a_paraphrase_and_gives_it_no_quotation_marks(newsroom: Newsroom, claimbot) -> None:
    result = await newsroom.driver.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "1"})
    await result
    card = result.original
    assert card is not None
    text = description(card)
    statement = "North Korea is preparing to send 10,000 troops to help Russia's war on Ukraine."
    assert text.startswith(f"{statement} *(paraphrase)*")
    assert "“" not in text.split("\n")[0]


# /who-said


@pytest.mark.parametrize("spelling", ["Zelenskiy", "zelensky", "ZELENSKYY", "Volodymyr Zelenskyy", "zelenskyy "])
async def test_who_said_finds_a_speaker_by_any_spelling(newsroom: Newsroom, claimbot, spelling: str) -> None:
    result = await newsroom.driver.slash(newsroom.guild, newsroom.reader, "who-said", {"speaker": spelling})
    await result
    assert not result.ephemeral
    page = result.original
    assert page is not None
    assert page.embeds[0]["title"] == "Claims by Volodymyr Zelensky"
    text = description(page)
    for number in (1, 2, 15, 16):
        assert f"**#{number}** Zelensky" in text
    assert "🟠 Disputed" in text
    assert page.embeds[0]["footer"]["text"] == "Showing 1–4 of 4 claims"
    assert page.custom_ids == []  # one page: no pager


async def test_who_said_autocomplete_shows_claim_counts(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    result = await d.autocomplete(newsroom.guild, newsroom.reader, "who-said", "speaker", "zel")
    await result
    assert result.choices == [{"name": "Volodymyr Zelensky (4 claims)", "value": "Volodymyr Zelensky"}]
    result = await d.autocomplete(newsroom.guild, newsroom.reader, "who-said", "speaker", "rut")
    await result
    assert result.choices == [{"name": "Mark Rutte (1 claim)", "value": "Mark Rutte"}]
    result = await d.autocomplete(newsroom.guild, newsroom.reader, "who-said", "speaker", "")
    await result
    assert 0 < len(result.choices) <= 25
    assert result.choices[0]["name"] == "Volodymyr Zelensky (4 claims)"


async def test_who_said_unknown_speaker_is_answered_privately(newsroom: Newsroom, claimbot) -> None:
    result = await newsroom.driver.slash(newsroom.guild, newsroom.reader, "who-said", {"speaker": "Nobody Atall"})
    await result
    assert result.ephemeral
    assert result.text == "No speaker matches “Nobody Atall” in this server."


# /status


async def test_status_board_counts_claims_per_verdict(newsroom: Newsroom, claimbot) -> None:
    result = await newsroom.driver.slash(newsroom.guild, newsroom.reader, "status")
    await result
    assert not result.ephemeral
    board = result.original
    assert board is not None
    assert board.embeds[0]["title"] == "Claims board"
    text = description(board)
    for line in (
        "⚪ **Unverified**: 9",
        "🔵 **Investigating**: 0",
        "🟠 **Disputed**: 5",
        "🟢 **Confirmed**: 2",
        "🔴 **False**: 0",
        "🟣 **Misleading**: 0",
        "**16 claims** in all",
    ):
        assert line in text


async def test_status_board_and_timeline_show_a_moderators_change(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    change = await d.slash(
        newsroom.guild,
        newsroom.moderator,
        "mod",
        {"claim": "6", "verdict": "confirmed", "note": "NATO confirmed it", "source": "https://nato.int/x"},
        subcommand="status",
    )
    await change
    result = await d.slash(newsroom.guild, newsroom.reader, "status")
    await result
    board = result.original
    assert board is not None
    assert "⚪ **Unverified**: 8" in description(board)
    assert "🟢 **Confirmed**: 3" in description(board)
    recent = fields(board)["Recently changed"]
    assert recent.split("\n")[0].startswith("**#6** Rutte: ")
    assert "⚪ Unverified → 🟢 Confirmed" in recent.split("\n")[0]

    result = await d.slash(newsroom.guild, newsroom.reader, "status", {"claim": "#6"})
    await result
    assert not result.ephemeral
    timeline = result.original
    assert timeline is not None
    assert timeline.embeds[0]["title"] == "History of claim #6"
    blocks = description(timeline).split("\n\n")
    assert blocks[1].startswith("**Verdict**: ⚪ Unverified → 🟢 Confirmed · by **mod** <t:")
    assert "NATO confirmed it" in blocks[1]
    assert "Source: https://nato.int/x" in blocks[1]
    assert blocks[2].startswith("**Verdict**: ⚪ Unverified · by **claimbot seed**")


# /search


async def test_search_bolds_the_matched_words(newsroom: Newsroom, claimbot) -> None:
    result = await newsroom.driver.slash(newsroom.guild, newsroom.reader, "search", {"query": "troops"})
    await result
    assert not result.ephemeral
    page = result.original
    assert page is not None
    text = description(page)
    assert "Claims matching **troops**" in text
    assert "North Korea is preparing to send 10,000 **troops** to help Russia's war on Ukraine." in text
    assert "North Korea maintains around 1.28 million active **troops**." in text


async def test_search_filters_by_verdict_and_speaker(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    result = await d.slash(newsroom.guild, newsroom.reader, "search", {"query": "North Korea", "status": "disputed"})
    await result
    text = description(result.original)
    assert "Only verdict 🟠 Disputed" in text
    hits = [line for line in text.split("\n") if line.startswith("**#")]
    assert hits
    assert all("🟠 Disputed" in line for line in hits)

    result = await d.slash(newsroom.guild, newsroom.reader, "search", {"query": "North Korea", "speaker": "russia"})
    await result
    text = description(result.original)
    assert "speaker **Kremlin**" in text
    hits = [line for line in text.split("\n") if line.startswith("**#")]
    assert {line.split(" ")[0] for line in hits} == {"**#7**", "**#13**"}


async def test_search_with_many_results_has_a_pager(newsroom: Newsroom, claimbot) -> None:
    result = await newsroom.driver.slash(newsroom.guild, newsroom.reader, "search", {"query": "north korea"})
    await result
    page = result.original
    assert page is not None
    assert "Showing 1–5 of " in description(page)
    assert page.custom_ids == ["claimbot:search:page:0:any:0", "claimbot:search:page:5:any:0"]
    assert page.find_component("claimbot:search:page:0:any:0")["disabled"] is True


HOSTILE_QUERIES = [
    '"',
    '"unbalanced quote',
    "troops*",
    "NEAR(troops fake)",
    "troops AND OR NOT",
    "-troops",
    "^troops",
    "col:troops",
    "'; DROP TABLE claims; --",
    "%_\\",
    "**bold** __under__ ||spoiler|| `code`",
    "@everyone @here <@123> <@&456>",
    "\u202etroops",
    "💥",
    "x" * 200,
]


async def test_search_answers_hostile_queries_without_an_error(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    for index, query in enumerate(HOSTILE_QUERIES):
        # /search allows five a member per ten seconds: each query comes from its own member.
        member = d.create_member(newsroom.guild, f"prober-{index}")
        result = await d.slash(newsroom.guild, member, "search", {"query": query})
        await result.finished(idle=0.02)
        assert result.answered, query
        assert "Something went wrong" not in result.text, query
        if result.ephemeral:
            assert result.text == "Type at least one word to search for.", query
        else:
            assert result.original is not None
            assert result.original.embeds[0]["title"] == "Search results", query
    claims = await d.slash(newsroom.guild, newsroom.reader, "status")
    await claims
    assert "**16 claims** in all" in description(claims.original)


# Apps → Check claims


async def test_check_claims_on_a_message_lists_matches_with_verdicts(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    message = d.post_message(newsroom.general, newsroom.reader, "Zelensky says Pyongyang is sending 10,000 troops!")
    result = await d.message_command(newsroom.guild, newsroom.reader, "Check claims", message)
    await result
    assert result.ephemeral
    answer = result.original
    assert answer is not None
    assert answer.embeds[0]["title"].endswith("in this message")
    text = description(answer)
    assert text.startswith("> Zelensky says Pyongyang is sending 10,000 troops!")
    lines = [line for line in text.split("\n") if line.startswith("**#")]
    assert lines[0].startswith("**#1** Zelensky: North Korea is preparing to send 10,000 troops")
    assert lines[0].endswith("· 🟠 Disputed")
    assert len(lines) <= 5


async def test_check_claims_on_an_unrelated_message_says_none_matched(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    message = d.post_message(newsroom.general, newsroom.reader, "Anyone up for pancakes at the bakery later?")
    result = await d.message_command(newsroom.guild, newsroom.reader, "Check claims", message)
    await result
    assert result.ephemeral
    assert result.original.embeds[0]["title"] == "No claim matched"
    assert "Nothing in this message matches a claim we track." in result.text


async def test_autocomplete_names_kim_jong_un_by_his_family_name(newsroom: Newsroom, claimbot) -> None:
    result = await newsroom.driver.autocomplete(newsroom.guild, newsroom.reader, "claim", "claim", "assistance")
    await result
    names = [choice["name"] for choice in result.choices]
    assert any(name.startswith("#9 · Kim: ") for name in names), names
    assert any(name.startswith("#8 · Putin: ") for name in names), names


async def test_the_claim_troops_finds_shows_it_is_disputed_why_and_what_contradicts_it(
    newsroom: Newsroom, claimbot
) -> None:
    d = newsroom.driver
    typed = await d.autocomplete(newsroom.guild, newsroom.reader, "claim", "claim", "troops")
    await typed
    first = typed.choices[0]
    card = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": first["value"]})
    await card
    text = card.text
    assert "10,000 troops" in text
    assert "Disputed" in text
    assert "no evidence" in text.lower()  # why
    assert "contradicted by **#6** Rutte" in text
    assert "contradicted by **#7** Kremlin" in text


async def test_a_card_never_shows_a_stale_verdict_whoever_changed_the_claim(newsroom: Newsroom, desk: Desk) -> None:
    """Cards are rendered once and kept; a change to the claim or to a claim it shows, made anywhere
    (here behind the bot's back, as another shard process or `python -m bot seed` would), is shown."""
    d = newsroom.driver
    actor = Actor(9, "elsewhere")

    async def card() -> dict[str, str]:
        shown = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "1"})
        await shown
        assert shown.original is not None
        return fields(shown.original)

    first = await card()
    assert await card() == first  # the same card again
    rutte = next(line for line in first["Related claims"].splitlines() if "**#6** Rutte" in line)
    assert "Unverified" in rutte
    await desk.set_verdict(newsroom.guild.id, 6, Verdict.FALSE, note="n", source_url=None, actor=actor)
    rutte = next(line for line in (await card())["Related claims"].splitlines() if "**#6** Rutte" in line)
    assert "False" in rutte  # a claim the card shows changed
    assert "Disputed" in first["Verdict"]
    await desk.set_verdict(newsroom.guild.id, 1, Verdict.CONFIRMED, note="Seen.", source_url=None, actor=actor)
    assert "Confirmed" in (await card())["Verdict"]  # the claim itself changed
    await desk.link_claims(newsroom.guild.id, 1, RelationKind.SUPPORTS, 10, note="", actor=actor)
    assert "**#10**" in (await card())["Related claims"]  # a relation was added
