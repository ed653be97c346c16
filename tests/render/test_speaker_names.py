"""A speaker with a short name of their own is called by it everywhere a line names them in short.

Kim Jong Un is "Kim", not "Un" (the last word): the card's related claims, the lists, the choices, and
also the lines made from a whole Claim (the timeline's and the related list's header, announcements).
"""

from __future__ import annotations

import re

import pytest

from bot.domain.claims import Claim, ClaimSummary, Page, Relation, RelationKind
from bot.render.cards import claim_card
from bot.render.choices import claim_label
from bot.render.lines import claim_line
from bot.render.lists import matches, related, speaker_page, timeline
from bot.render.messages import verdict_announcement
from tests.render.helpers import card, change, claim, speaker, summary

KIM = "Kim Jong Un"
STATEMENT = "Troops are being sent to Russia."


def kim_claim() -> Claim:
    return claim(3, STATEMENT, speaker_name=KIM, speaker_short="Kim")


def kim_summary() -> ClaimSummary:
    return summary(3, STATEMENT, speaker_name=KIM, speaker_short="Kim")


RENDERED = {
    "timeline header": lambda: timeline(kim_claim(), Page((change(3),), 1, 0, 10)).description,
    "related list header": lambda: related(kim_claim(), []).description,
    "verdict announcement": lambda: verdict_announcement(kim_claim(), change(3)),
    "related list line": lambda: related(claim(), [Relation(RelationKind.SUPPORTS, True, kim_summary())]).description,
    "card's related claims": lambda: str(
        claim_card(card(relations=(Relation(RelationKind.SUPPORTS, True, kim_summary()),))).to_dict()
    ),
    "speaker page": lambda: speaker_page(speaker(KIM), Page((kim_summary(),), 1, 0, 10)).description,
    "claims in a message": lambda: matches("troops", [kim_summary()]).description,
    "claim choice": lambda: claim_label(kim_summary()),
}


@pytest.mark.parametrize("where", RENDERED)
def test_kim_jong_un_is_kim_wherever_a_line_names_him_in_short(where: str) -> None:
    text = RENDERED[where]() or ""
    # `**#3** Kim: “…”`, `**#3** Kim · ⚪ Unverified`, `#3 · Kim: …`
    assert re.search(r"#3\W+Kim\b", text), text
    assert not re.search(r"#3\W+Un\b", text), text


def test_a_claims_header_is_the_line_the_lists_show_for_it() -> None:
    header = timeline(kim_claim(), Page((), 0, 0, 10)).description or ""
    assert header.startswith(claim_line(kim_summary(), 300) + "\n")


def test_a_speaker_without_a_short_name_is_called_by_the_last_name_everywhere() -> None:
    zelensky = claim(speaker_name="Volodymyr Zelensky")
    assert "**#7** Zelensky:" in verdict_announcement(zelensky, change())
    assert "**#7** Zelensky:" in (timeline(zelensky, Page((), 0, 0, 10)).description or "")
