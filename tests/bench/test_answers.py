"""The benchmark counts an answer only if it shows what was asked (bench/answers.py).

The interactions here are the local Discord's own records, filled as its callback and follow-up
routes fill them; the quick benchmark run (test_smoke.py) checks the same against the real bot.
"""

from __future__ import annotations

from typing import Any

from bench import answers, harness
from localdiscord.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    DEFERRED_MESSAGE,
    InteractionResult,
)
from localdiscord.interactions import MESSAGE as MESSAGE_CALLBACK
from localdiscord.world import Channel, Member, User

GUILD = 7


def asked(name: str, options: list[dict[str, Any]], *, kind: int = APPLICATION_COMMAND) -> InteractionResult:
    user = User(id=2, username="member1")
    return InteractionResult(
        id=1,
        token="t",
        type=kind,
        name=name,
        payload={"guild_id": str(GUILD), "data": {"name": name, "options": options}},
        deadline=3.0,
        dispatched_at=0.0,
        channel=Channel(id=3, guild_id=GUILD, name="general"),
        member=Member(user=user, guild_id=GUILD),
    )


def answered(result: InteractionResult, data: dict[str, Any], kind: int = MESSAGE_CALLBACK) -> InteractionResult:
    result.callback_type, result.callback_data, result.latency = kind, data, 0.001
    return result


def card(number: int) -> dict[str, Any]:
    return {"embeds": [{"title": f"Claim #{number}", "description": "…"}]}


def claim(number: str) -> InteractionResult:
    return asked("claim", [{"name": "claim", "type": 3, "value": number}])


def test_a_claim_counts_only_with_the_card_of_the_claim_asked_for() -> None:
    checks = answers.claimbot_checks({})
    assert harness.failure(answered(claim("29"), card(29)), checks["/claim"]) is None
    assert harness.failure(answered(claim("29"), card(290)), checks["/claim"]) == "wrong content"
    assert harness.failure(answered(claim("29"), {"content": "ok"}), checks["/claim any"]) == "wrong content"
    went_wrong = {"content": "Something went wrong; it was logged.", "flags": 64}
    assert harness.failure(answered(claim("29"), went_wrong), checks["/claim"]) == "bot error"
    assert harness.failure(claim("29"), checks["/claim"]) == "unanswered"


def test_autocomplete_may_be_empty_only_where_the_desk_found_nothing() -> None:
    check = answers.claimbot_checks({"troo": True, "zzzz": False})["autocomplete"]

    def typed(text: str, choices: list[dict[str, str]]) -> InteractionResult:
        result = asked("claim", [{"name": "claim", "type": 3, "value": text, "focused": True}], kind=AUTOCOMPLETE)
        return answered(result, {"choices": choices}, AUTOCOMPLETE_RESULT)

    some = [{"name": "#3 · Someone: troops…", "value": "3"}]
    assert harness.failure(typed("troo", some), check) is None
    assert harness.failure(typed("troo", []), check) == "wrong content"
    assert harness.failure(typed("zzzz", []), check) is None
    assert harness.failure(typed("zzzz", some), check) == "wrong content"


def mod_status(number: str, verdict: str) -> InteractionResult:
    inner = [
        {"name": "claim", "type": 3, "value": number},
        {"name": "verdict", "type": 3, "value": verdict},
        {"name": "note", "type": 3, "value": "Bench change 1."},
    ]
    return answered(asked("mod", [{"name": "status", "type": 1, "options": inner}]), {"flags": 64}, DEFERRED_MESSAGE)


def test_a_deferred_change_counts_with_its_follow_up_saying_what_became_of_that_claim() -> None:
    check = answers.claimbot_checks({})["/mod status"]
    thinking = mod_status("5", "false")
    assert not answers.done(thinking)
    assert harness.failure(thinking, check) == "no follow-up"
    for said, counts in (
        ("✅ #5 is now false.", True),
        ("#5 is already false; nothing was changed. member3 set it <t:1:R>.", True),
        ("#5 was changed meanwhile by member2 (now disputed); nothing was saved.", True),
        ("✅ #6 is now false.", False),
        ("✅ #5 is now confirmed.", False),
        ("Could not save, nothing was changed. Please try again in a moment.", False),
    ):
        result = mod_status("5", "false")
        result.followup_bodies.append({"content": said, "flags": 64})
        assert answers.done(result)
        assert (harness.failure(result, check) is None) is counts, said


def test_lists_count_with_their_own_titles() -> None:
    checks = answers.claimbot_checks({})
    search = asked("search", [{"name": "query", "type": 3, "value": "troops border"}])
    results = {"embeds": [{"title": "Search results", "description": "Claims matching **troops border**\n…"}]}
    assert checks["/search"](answered(search, results))
    assert not checks["/search"](answered(search, {"embeds": [{"title": "Claims board"}]}))
    who = asked("who-said", [{"name": "speaker", "type": 3, "value": "Yulia Tropolreba"}])
    assert checks["/who-said"](answered(who, {"embeds": [{"title": "Claims by Yulia Tropolreba"}]}))
    assert not checks["/who-said"](answered(who, {"embeds": [{"title": "Claims by Pedro Polshanive"}]}))
    timeline = asked("status", [{"name": "claim", "type": 3, "value": "12"}])
    assert checks["/status timeline"](answered(timeline, {"embeds": [{"title": "History of claim #12"}]}))
    assert not checks["/status timeline"](answered(timeline, {"embeds": [{"title": "Claims board"}]}))
    board = answered(asked("status", []), {"embeds": [{"title": "Claims board"}]})
    assert checks["/status board"](board)
    message = asked("Check claims", [])
    assert checks["Check claims"](answered(message, {"embeds": [{"title": "2 tracked claims in this message"}]}))
    assert checks["Check claims"](answered(asked("Check claims", []), {"embeds": [{"title": "No claim matched"}]}))
    assert not checks["Check claims"](answered(asked("Check claims", []), {"content": "ok"}))


def test_the_bare_bot_is_held_to_its_own_fixed_answer() -> None:
    bare = answers.bare_checks(["/claim", "autocomplete"])
    assert bare["/claim"](answered(claim("29"), {"content": "ok"}))
    assert not bare["/claim"](answered(claim("29"), {"content": "Something went wrong"}))
    typed = asked("claim", [{"name": "claim", "type": 3, "value": "tr", "focused": True}], kind=AUTOCOMPLETE)
    assert bare["autocomplete"](answered(typed, {"choices": []}, AUTOCOMPLETE_RESULT))
