from __future__ import annotations

import re
from datetime import timedelta

import discord

from bot.domain.claims import MATCH_END, MATCH_START, Board, Page, SearchHit, Speaker
from bot.domain.states import Verdict
from bot.render import custom_ids
from bot.render.lists import (
    board,
    matches,
    related,
    search_page,
    search_pager,
    search_query,
    speaker_page,
    speaker_pager,
    timeline,
    timeline_pager,
)
from tests.render.helpers import (
    NASTY,
    NOW,
    assert_valid_embed,
    assert_valid_view,
    change,
    claim,
    relation,
    speaker,
    summary,
)


def _page(items: list, *, offset: int = 0, limit: int = 10, total: int | None = None) -> Page:  # type: ignore[type-arg]
    return Page(tuple(items), len(items) if total is None else total, offset, limit)


def _buttons(view: discord.ui.View) -> list[tuple[str, str, bool]]:
    return [(item.label, item.custom_id, item.disabled) for item in view.children]  # type: ignore[attr-defined]


def test_speaker_page_of_40_claims_shows_every_claim_within_limits() -> None:
    claims = [summary(n, NASTY * 4) for n in range(1, 41)]
    embed = speaker_page(speaker(claims=40), _page(claims, limit=40))

    assert_valid_embed(embed)
    assert embed.description is not None
    assert all(f"**#{n}**" in embed.description for n in range(1, 41))
    assert embed.footer.text == "Showing 1–40 of 40 claims"


def test_speaker_page_lines_show_number_verdict_and_quotes_for_verbatim() -> None:
    items = [summary(7, "We know.", verbatim=True), summary(8, "They left.", verbatim=False, verdict=Verdict.FALSE)]
    embed = speaker_page(speaker(), _page(items))

    assert embed.title == "Claims by Volodymyr Zelensky"
    assert embed.description == "**#7** Zelensky: “We know.” · 🟠 Disputed\n**#8** Zelensky: They left. · 🔴 False"


def test_speaker_page_with_no_claims_says_so() -> None:
    embed = speaker_page(speaker(claims=0), _page([]))

    assert_valid_embed(embed)
    assert embed.description == "No claims recorded for this speaker."


def test_speaker_page_with_a_nasty_long_name_is_safe() -> None:
    nasty = Speaker(3, NASTY * 3, (NASTY, "Zelenskyy"), 1)
    assert_valid_embed(speaker_page(nasty, _page([summary()])))


def test_pager_on_the_first_page_disables_previous() -> None:
    view = speaker_pager(speaker(), _page([summary()] * 10, total=25))

    assert_valid_view(view)
    assert _buttons(view) == [
        ("◀ Previous", custom_ids.speaker_page(1, 0), True),
        ("Next ▶", custom_ids.speaker_page(1, 10), False),
    ]


def test_pager_on_the_last_page_disables_next() -> None:
    view = speaker_pager(speaker(), _page([summary()] * 5, offset=20, total=25))

    assert_valid_view(view)
    assert [disabled for _, _, disabled in _buttons(view)] == [False, True]
    assert _buttons(view)[0][1] == custom_ids.speaker_page(1, 10)


def test_pager_for_a_single_page_has_no_buttons() -> None:
    assert speaker_pager(speaker(), _page([summary()])).children == []


def test_search_page_bolds_matches_and_names_the_filters() -> None:
    hit = SearchHit(summary(7), f"about {MATCH_START}10,000{MATCH_END} **soldiers**")
    embed = search_page("10,000", _page([hit], total=1), Verdict.DISPUTED, speaker())

    assert_valid_embed(embed)
    assert embed.description is not None
    assert "Claims matching **10,000**" in embed.description
    assert "Only verdict 🟠 Disputed and speaker **Volodymyr Zelensky**" in embed.description
    assert "“about **10,000** \\*\\*soldiers\\*\\*”" in embed.description


def test_search_query_is_read_back_from_the_embed_footer() -> None:
    query = "troops <@123> @everyone **Kursk**"
    embed = search_page(query, _page([]))

    assert_valid_embed(embed)
    assert search_query(embed) == query
    assert search_query(discord.Embed(title="x")) is None


def test_search_pager_ids_carry_offset_and_filters_only() -> None:
    hits = [SearchHit(summary(n), "x") for n in range(5)]
    view = search_pager(_page(hits, limit=5, total=12), Verdict.FALSE, speaker(speaker_id=8))

    assert_valid_view(view)
    next_id = _buttons(view)[1][1]
    assert next_id == "claimbot:search:page:5:false:8"


def test_search_page_of_25_nasty_hits_fits_discord_limits() -> None:
    snippet = f"{MATCH_START}{NASTY}{MATCH_END} {NASTY} " * 5
    hits = [SearchHit(summary(n, NASTY, speaker_name=NASTY), snippet) for n in range(25)]
    embed = search_page(NASTY * 5, _page(hits, limit=25, total=100), Verdict.FALSE, Speaker(1, NASTY * 3))

    assert_valid_embed(embed)
    assert embed.description is not None
    assert embed.description.count("\n\n**#") == 25


def test_search_with_no_results_suggests_what_to_try() -> None:
    embed = search_page("unicorns", _page([]))

    assert embed.description is not None
    assert "No claim matches" in embed.description


def test_timeline_shows_each_change_with_who_when_why_and_source() -> None:
    changes = [
        change(old="unverified", new="investigating", note="Looking into it.", actor="Ana", change_id=1),
        change(old="investigating", new="confirmed", note="Two sources.", actor="Ben", change_id=2),
    ]
    embed = timeline(claim(verdict=Verdict.CONFIRMED), _page(changes))

    assert_valid_embed(embed)
    assert embed.colour is not None
    assert embed.colour.value == Verdict.CONFIRMED.look.colour
    assert embed.description is not None
    assert "⚪ Unverified → 🔵 Investigating · by **Ana**" in embed.description
    assert "🔵 Investigating → 🟢 Confirmed · by **Ben**" in embed.description
    assert f"<t:{int(NOW.timestamp())}:f>" in embed.description
    assert "Two sources." in embed.description
    assert "Source: https://example.com/source" in embed.description


def test_timeline_of_a_statement_edit_clips_the_old_and_new_text() -> None:
    edit = change(field="statement", old="a " * 3000, new=NASTY * 10, note=NASTY, source_url=None)
    embed = timeline(claim(), _page([edit] * 10, total=40))

    assert_valid_embed(embed)
    assert "**Statement**:" in (embed.description or "")


def test_timeline_pager_uses_history_ids() -> None:
    view = timeline_pager(7, _page([change()] * 10, offset=10, total=30))

    assert_valid_view(view)
    assert [custom_id for _, custom_id, _ in _buttons(view)] == [
        custom_ids.history_page(7, 0),
        custom_ids.history_page(7, 20),
    ]


def test_board_counts_every_verdict_and_the_total() -> None:
    counts = {Verdict.CONFIRMED: 3, Verdict.FALSE: 1}
    recent = ((summary(7, verdict=Verdict.CONFIRMED), change(new="confirmed", at=NOW - timedelta(hours=1))),)
    embed = board(Board(counts, recent))

    assert_valid_embed(embed)
    assert embed.description is not None
    assert "🟢 **Confirmed**: 3" in embed.description
    assert "⚪ **Unverified**: 0" in embed.description
    assert "**4 claims** in all" in embed.description
    assert "⚪ Unverified → 🟢 Confirmed" in embed.fields[0].value


def test_board_with_many_nasty_recent_changes_fits() -> None:
    recent = tuple((summary(n, NASTY, speaker_name=NASTY), change(note=NASTY)) for n in range(25))
    assert_valid_embed(board(Board(dict.fromkeys(Verdict, 10**6), recent)))


def test_matches_lists_the_claims_found_in_a_message() -> None:
    embed = matches("They sent 10,000 soldiers @everyone", [summary(7), summary(9, verdict=Verdict.FALSE)])

    assert_valid_embed(embed)
    assert embed.title == "2 tracked claims in this message"
    assert embed.description is not None
    assert embed.description.startswith("> They sent 10,000 soldiers @\u200beveryone")
    assert "**#9**" in embed.description


def test_matches_with_no_claim_says_none_matched() -> None:
    embed = matches(NASTY, [])

    assert_valid_embed(embed)
    assert embed.title == "No claim matched"


def test_matches_for_a_message_without_text() -> None:
    embed = matches("", [])

    assert_valid_embed(embed)
    assert "no text" in (embed.description or "")


def test_related_of_50_relations_fits_and_reads_by_direction() -> None:
    relations = [relation(n, note=NASTY) for n in range(50)]
    embed = related(claim(), relations)

    assert_valid_embed(embed)
    assert embed.description is not None
    assert "contradicted by **#0** Rutte: “Claim 0 says otherwise.” · ⚪ Unverified\n" in embed.description
    assert "**#49**" in embed.description


def test_related_shows_the_note_of_each_link_when_there_is_room() -> None:
    embed = related(claim(), [relation(6, note="different count"), relation(8, outgoing=True)])

    assert embed.description is not None
    lines = embed.description.split("\n")[2:]
    assert lines == [
        "contradicted by **#6** Rutte: “Claim 6 says otherwise.” · ⚪ Unverified — different count",
        "contradicts **#8** Rutte: “Claim 8 says otherwise.” · ⚪ Unverified",
    ]


def test_related_with_none_says_so() -> None:
    embed = related(claim(), [])

    assert re.search(r"No claims are linked to #7 yet\.$", embed.description or "")
