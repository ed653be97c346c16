from __future__ import annotations

import re
from typing import Any

import discord
import pytest

from bot.domain.states import Verdict
from bot.render import custom_ids, limits

BIG_ID = 2**64 - 1  # the largest Discord snowflake
BIG_NUMBER = 999_999_999


@pytest.mark.parametrize(
    ("custom_id", "template", "groups"),
    [
        (custom_ids.claim_history(42), custom_ids.CLAIM_HISTORY, {"number": "42"}),
        (custom_ids.claim_speaker(42), custom_ids.CLAIM_SPEAKER, {"number": "42"}),
        (custom_ids.claim_related(42), custom_ids.CLAIM_RELATED, {"number": "42"}),
        (custom_ids.speaker_page(5, 10), custom_ids.SPEAKER_PAGE, {"speaker_id": "5", "offset": "10"}),
        (custom_ids.history_page(42, 20), custom_ids.HISTORY_PAGE, {"number": "42", "offset": "20"}),
    ],
)
def test_each_id_parses_back_with_its_template(custom_id: str, template: str, groups: dict[str, str]) -> None:
    match = re.fullmatch(template, custom_id)

    assert match is not None
    assert match.groupdict() == groups


def test_claim_history_id_reads_as_documented() -> None:
    assert custom_ids.claim_history(42) == "claimbot:claim:history:42"


def test_each_id_matches_exactly_one_template() -> None:
    ids = [
        custom_ids.claim_history(1),
        custom_ids.claim_speaker(1),
        custom_ids.claim_related(1),
        custom_ids.speaker_page(1, 0),
        custom_ids.history_page(1, 0),
        custom_ids.search_page(0),
    ]
    for custom_id in ids:
        assert sum(bool(re.fullmatch(t, custom_id)) for t in custom_ids.TEMPLATES) == 1


def test_search_page_id_carries_filters_but_no_query() -> None:
    custom_id = custom_ids.search_page(15, Verdict.FALSE, 8)
    match = re.fullmatch(custom_ids.SEARCH_PAGE, custom_id)

    assert custom_id == "claimbot:search:page:15:false:8"
    assert match is not None
    assert custom_ids.search_filters(match) == (15, Verdict.FALSE, 8)


def test_search_page_without_filters_reads_back_as_none() -> None:
    match = re.fullmatch(custom_ids.SEARCH_PAGE, custom_ids.search_page(0))

    assert match is not None
    assert custom_ids.search_filters(match) == (0, None, None)


def test_ids_at_their_largest_stay_within_100_characters() -> None:
    longest = [
        custom_ids.claim_history(BIG_NUMBER),
        custom_ids.speaker_page(BIG_ID, BIG_NUMBER),
        custom_ids.history_page(BIG_NUMBER, BIG_NUMBER),
        custom_ids.search_page(BIG_NUMBER, Verdict.INVESTIGATING, BIG_ID),
    ]
    assert all(len(custom_id) <= limits.CUSTOM_ID for custom_id in longest)


def test_templates_refuse_trailing_text_and_negative_numbers() -> None:
    assert re.fullmatch(custom_ids.CLAIM_HISTORY, "claimbot:claim:history:42:x") is None
    assert re.fullmatch(custom_ids.CLAIM_HISTORY, "claimbot:claim:history:-1") is None
    with pytest.raises(ValueError, match="custom_id"):
        custom_ids.claim_history(-1)


def test_templates_work_as_dynamic_item_templates() -> None:
    class HistoryButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=custom_ids.CLAIM_HISTORY):
        pass

    pattern = HistoryButton.__discord_ui_compiled_template__
    match = pattern.fullmatch(custom_ids.claim_history(7))
    assert match is not None
    assert match["number"] == "7"
