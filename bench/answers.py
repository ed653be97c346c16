"""What an answer must show to count as answered: per command, the thing the member asked for.

Without this an answer of the wrong claim, an empty autocomplete because the bot gave up, or a
refusal would count as served as fast as a card. Each check reads the interaction's own options
(what was asked) and the answer's body (what came back), a few dictionary lookups and one substring
at most, because it runs in the benchmark process for every answer of every run.

The texts checked are the bot's own (bot/render/lists.py, bot/render/cards.py, bot/desk/errors.py,
cogs/moderation.py); a change there that alters a title shows here as "wrong content" on every
answer, which is the point: the benchmark then says it no longer knows what it measures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from localdiscord.interactions import DEFERRED_MESSAGE, InteractionResult

Json = dict[str, Any]
Check = Callable[[InteractionResult], bool]


def body(result: InteractionResult) -> Json | None:
    """What the member reads: the first callback's data, or after a deferral ("thinking") the
    follow-up that replaced it (an edit of the original, if the bot edited instead)."""
    if result.callback_type == DEFERRED_MESSAGE:
        if result.followup_bodies:
            return result.followup_bodies[0]
        return result.edits[-1] if result.edits else None
    return result.callback_data


def done(result: InteractionResult) -> bool:
    """Nothing more to wait for: late, refused, answered, and after a deferral followed up too."""
    if result.late or result.errors:
        return True
    if result.callback_type == DEFERRED_MESSAGE:
        return bool(result.followup_bodies or result.edits)
    return result.callback_type is not None


def options(result: InteractionResult) -> dict[str, Any]:
    """The values asked, by option name (a subcommand's options flattened into it)."""
    found: dict[str, Any] = {}
    for option in result.payload["data"].get("options") or ():
        if "options" in option:
            for inner in option["options"]:
                found[inner["name"]] = inner.get("value")
        else:
            found[option["name"]] = option.get("value")
    return found


def _embed(answer: Json | None) -> Json:
    embeds = (answer or {}).get("embeds")
    return embeds[0] if embeds else {}


def _title(result: InteractionResult) -> str:
    return str(_embed(body(result)).get("title") or "")


# ------------------------------------------------------------------------------------------- claimbot


def claim_card(result: InteractionResult) -> bool:
    """/claim and /claim any: the card of the claim asked for (bot/render/cards.py's title)."""
    return _title(result) == f"Claim #{options(result)['claim']}"


def suggestions(expected: Mapping[str, bool]) -> Check:
    """Autocomplete: choices where the desk, asked before the run, found some; an empty list only where
    it found none (a budget refusal or a give-up is then "wrong content")."""

    def check(result: InteractionResult) -> bool:
        answer = body(result)
        if answer is None or "choices" not in answer:
            return False
        typed = options(result)["claim"]
        return bool(answer["choices"]) == expected.get(typed, bool(answer["choices"]))

    return check


def search_results(result: InteractionResult) -> bool:
    """/search: the results embed for the query asked (with hits, or its "no claim matches" text)."""
    embed = _embed(body(result))
    return embed.get("title") == "Search results" and f"**{options(result)['query']}**" in embed.get("description", "")


def speaker_page(result: InteractionResult) -> bool:
    """/who-said: the page of the speaker asked for (under another spelling, it says "Also written as")."""
    embed = _embed(body(result))
    title = str(embed.get("title") or "")
    asked = str(options(result)["speaker"])
    return title.startswith("Claims by ") and (asked in title or asked in str(embed.get("description") or ""))


def board(result: InteractionResult) -> bool:
    return _title(result) == "Claims board"


def timeline(result: InteractionResult) -> bool:
    return _title(result) == f"History of claim #{options(result)['claim']}"


def verdict_change(result: InteractionResult) -> bool:
    """/mod status: the change saved, or one of the desk's refusals of it for that claim (already that
    verdict, changed meanwhile): with members changing the same sampled claims both are right answers."""
    content = str((body(result) or {}).get("content") or "")
    asked = options(result)
    number, verdict = asked["claim"], asked["verdict"]
    return (
        f"#{number} is now {verdict}." in content
        or f"#{number} is already {verdict};" in content
        or (content.startswith(f"#{number} was changed meanwhile") and "nothing was saved" in content)
    )


def message_matches(result: InteractionResult) -> bool:
    """Check claims: the list of tracked claims in the message, or that none matched."""
    title = _title(result)
    return title.endswith(" in this message") or title == "No claim matched"


def claimbot_checks(expected_suggestions: Mapping[str, bool]) -> dict[str, Check]:
    return {
        "/claim": claim_card,
        "/claim any": claim_card,
        "autocomplete": suggestions(expected_suggestions),
        "/search": search_results,
        "/who-said": speaker_page,
        "/status board": board,
        "/status timeline": timeline,
        "/mod status": verdict_change,
        "Check claims": message_matches,
    }


# ------------------------------------------------------------------------------------------- the bare bot


def bare_ok(result: InteractionResult) -> bool:
    """The bare bot's fixed answer (bench/baseline_bot.py): it shows nothing asked, by design."""
    return (body(result) or {}).get("content") == "ok"


def bare_choices(result: InteractionResult) -> bool:
    return "choices" in (body(result) or {})


def bare_checks(commands: Iterable[str]) -> dict[str, Check]:
    return {name: bare_choices if name == "autocomplete" else bare_ok for name in commands}


def by_guild(checks: Mapping[int, Mapping[str, Check]]) -> dict[str, Check]:
    """One check per command for load spread over guilds: each answer checked as its guild's."""
    names = set.intersection(*(set(each) for each in checks.values()))

    def route(name: str) -> Check:
        def check(result: InteractionResult) -> bool:
            return checks[int(result.payload["guild_id"])][name](result)

        return check

    return {name: route(name) for name in names}
