"""Custom ids for the persistent buttons: what a button does, rebuilt from its id after a restart.

Every id is `claimbot:<area>:<action>:<numbers…>`, matched whole by one TEMPLATE per action for
discord.ui.DynamicItem, so a button keeps working however long ago the message was sent.

What an id may hold: claim numbers, speaker ids, offsets and a verdict's fixed value (a word from
the Verdict enum, not member input). Never member text: it would blow the 100-character limit and
let members forge ids. No guild id either: the cog takes the guild from the interaction, so an id
copied into another server only ever reaches that server's own claims.

Search has a query, which is member text, so its pager id carries only the offset and filters; the
query travels in the search embed's footer (see `bot.render.lists.search_query`), where the cog reads
it back from `interaction.message`.
"""

from __future__ import annotations

import re

from bot.domain.states import Verdict
from bot.render import limits

PREFIX = "claimbot"
ANY_VERDICT = "any"
NO_SPEAKER = 0

_NUMBER = r"[0-9]{1,9}"
_ID = r"[0-9]{1,20}"
_VERDICT = "|".join([ANY_VERDICT, *(verdict.value for verdict in Verdict)])

CLAIM_HISTORY = rf"{PREFIX}:claim:history:(?P<number>{_NUMBER})"
CLAIM_SPEAKER = rf"{PREFIX}:claim:speaker:(?P<number>{_NUMBER})"
CLAIM_RELATED = rf"{PREFIX}:claim:related:(?P<number>{_NUMBER})"
SPEAKER_PAGE = rf"{PREFIX}:speaker:page:(?P<speaker_id>{_ID}):(?P<offset>{_NUMBER})"
HISTORY_PAGE = rf"{PREFIX}:history:page:(?P<number>{_NUMBER}):(?P<offset>{_NUMBER})"
SEARCH_PAGE = rf"{PREFIX}:search:page:(?P<offset>{_NUMBER}):(?P<verdict>{_VERDICT}):(?P<speaker_id>{_ID})"

# Stories (issue 11): the pagers of a list kept to one story carry its row id (resolved inside the
# guild pressed in, like a speaker id); an import preview's buttons carry a random token that names the
# preview this process keeps in memory (no member text, no guild).
STORY_SEARCH_PAGE = (
    rf"{PREFIX}:search:story:(?P<story_id>{_ID}):(?P<offset>{_NUMBER}):(?P<verdict>{_VERDICT}):(?P<speaker_id>{_ID})"
)
STORY_SPEAKER_PAGE = rf"{PREFIX}:speaker:story:(?P<story_id>{_ID}):(?P<speaker_id>{_ID}):(?P<offset>{_NUMBER})"
IMPORT_CONFIRM = rf"{PREFIX}:import:confirm:(?P<token>[0-9a-f]{{16}})"
IMPORT_CANCEL = rf"{PREFIX}:import:cancel:(?P<token>[0-9a-f]{{16}})"

# Intake (issue 11): the member's "is it #N?" answer to /submit, and the moderators' queue. Submission
# numbers are per guild, like claim numbers, and resolved inside the guild the button is pressed in.
SUBMIT_SAME = rf"{PREFIX}:submit:same:(?P<number>{_NUMBER}):(?P<claim>{_NUMBER})"
SUBMIT_NEW = rf"{PREFIX}:submit:new:(?P<number>{_NUMBER})"
QUEUE_ACCEPT = rf"{PREFIX}:queue:accept:(?P<number>{_NUMBER})"
QUEUE_MERGE = rf"{PREFIX}:queue:merge:(?P<number>{_NUMBER})"
QUEUE_REJECT = rf"{PREFIX}:queue:reject:(?P<number>{_NUMBER})"
QUEUE_PAGE = rf"{PREFIX}:queue:page:(?P<offset>{_NUMBER})"
QUEUE_SAME_AS = rf"{PREFIX}:queue:sameas:(?P<number>{_NUMBER})"

# Following (issue 12): the member is whoever presses, never a number in the id.
FOLLOWING_PAGE = rf"{PREFIX}:following:page:(?P<offset>{_NUMBER})"

TEMPLATES = (
    CLAIM_HISTORY,
    CLAIM_SPEAKER,
    CLAIM_RELATED,
    SPEAKER_PAGE,
    HISTORY_PAGE,
    SEARCH_PAGE,
    STORY_SEARCH_PAGE,
    STORY_SPEAKER_PAGE,
    IMPORT_CONFIRM,
    IMPORT_CANCEL,
    SUBMIT_SAME,
    SUBMIT_NEW,
    QUEUE_ACCEPT,
    QUEUE_MERGE,
    QUEUE_REJECT,
    QUEUE_PAGE,
    QUEUE_SAME_AS,
    FOLLOWING_PAGE,
)


def _build(template: str, custom_id: str) -> str:
    """Refuse an id its own template would not parse back: a silent mismatch is a dead button."""
    if len(custom_id) > limits.CUSTOM_ID or re.fullmatch(template, custom_id) is None:
        raise ValueError(f"cannot build a custom_id from {custom_id!r}")
    return custom_id


def claim_history(number: int) -> str:
    return _build(CLAIM_HISTORY, f"{PREFIX}:claim:history:{number}")


def claim_speaker(number: int) -> str:
    return _build(CLAIM_SPEAKER, f"{PREFIX}:claim:speaker:{number}")


def claim_related(number: int) -> str:
    return _build(CLAIM_RELATED, f"{PREFIX}:claim:related:{number}")


def speaker_page(speaker_id: int, offset: int) -> str:
    return _build(SPEAKER_PAGE, f"{PREFIX}:speaker:page:{speaker_id}:{offset}")


def history_page(number: int, offset: int) -> str:
    return _build(HISTORY_PAGE, f"{PREFIX}:history:page:{number}:{offset}")


def search_page(offset: int, verdict: Verdict | None = None, speaker_id: int | None = None) -> str:
    verdict_part = verdict.value if verdict is not None else ANY_VERDICT
    speaker_part = speaker_id if speaker_id is not None else NO_SPEAKER
    return _build(SEARCH_PAGE, f"{PREFIX}:search:page:{offset}:{verdict_part}:{speaker_part}")


def search_filters(match: re.Match[str]) -> tuple[int, Verdict | None, int | None]:
    """(offset, verdict, speaker id) from a SEARCH_PAGE match, undoing the "any" and 0 placeholders."""
    verdict = None if match["verdict"] == ANY_VERDICT else Verdict(match["verdict"])
    speaker_id = int(match["speaker_id"]) or None
    return int(match["offset"]), verdict, speaker_id


# Stories (issue 11)


def story_search_page(story_id: int, offset: int, verdict: Verdict | None = None, speaker_id: int | None = None) -> str:
    verdict_part = verdict.value if verdict is not None else ANY_VERDICT
    speaker_part = speaker_id if speaker_id is not None else NO_SPEAKER
    return _build(STORY_SEARCH_PAGE, f"{PREFIX}:search:story:{story_id}:{offset}:{verdict_part}:{speaker_part}")


def story_speaker_page(story_id: int, speaker_id: int, offset: int) -> str:
    return _build(STORY_SPEAKER_PAGE, f"{PREFIX}:speaker:story:{story_id}:{speaker_id}:{offset}")


def import_confirm(token: str) -> str:
    return _build(IMPORT_CONFIRM, f"{PREFIX}:import:confirm:{token}")


def import_cancel(token: str) -> str:
    return _build(IMPORT_CANCEL, f"{PREFIX}:import:cancel:{token}")


# Intake (issue 11)


def submit_same(number: int, claim: int) -> str:
    return _build(SUBMIT_SAME, f"{PREFIX}:submit:same:{number}:{claim}")


def submit_new(number: int) -> str:
    return _build(SUBMIT_NEW, f"{PREFIX}:submit:new:{number}")


def queue_accept(number: int) -> str:
    return _build(QUEUE_ACCEPT, f"{PREFIX}:queue:accept:{number}")


def queue_merge(number: int) -> str:
    return _build(QUEUE_MERGE, f"{PREFIX}:queue:merge:{number}")


def queue_reject(number: int) -> str:
    return _build(QUEUE_REJECT, f"{PREFIX}:queue:reject:{number}")


def queue_page(offset: int) -> str:
    return _build(QUEUE_PAGE, f"{PREFIX}:queue:page:{offset}")


def queue_same_as(number: int) -> str:
    return _build(QUEUE_SAME_AS, f"{PREFIX}:queue:sameas:{number}")


# Following (issue 12)


def following_page(offset: int) -> str:
    return _build(FOLLOWING_PAGE, f"{PREFIX}:following:page:{offset}")
