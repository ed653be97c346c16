from __future__ import annotations

from bot.domain.claims import Page, RelationKind
from bot.domain.states import Attribution, Verdict


def test_relations_read_from_either_side() -> None:
    assert RelationKind.CONTRADICTS.phrase(outgoing=True) == "contradicts"
    assert RelationKind.CONTRADICTS.phrase(outgoing=False) == "contradicted by"
    assert RelationKind.SAME_AS.phrase(outgoing=False) == "same as"


def test_a_page_knows_whether_more_follow() -> None:
    assert Page(items=(1, 2, 3, 4, 5), total=12, offset=5, limit=5).has_next
    assert not Page(items=(1, 2), total=12, offset=10, limit=5).has_next
    assert not Page(items=(), total=0, offset=0, limit=5).has_next


def test_every_state_has_a_look() -> None:
    for state in (*Verdict, *Attribution):
        assert state.look.label
        assert state.look.meaning.endswith(".")
    assert len({v.look.colour for v in Verdict}) == len(Verdict)
