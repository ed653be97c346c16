"""Tab completion: command and option names from the synced commands, values from the bot itself.

For an option the bot autocompletes (a claim, a speaker) the completer sends a real autocomplete
interaction as the current member, exactly as Discord's client does while someone types, and offers the
names the bot answered with; picking one inserts the choice's value, which is what Discord submits.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from sandbox.commands import (
    ATTACHMENT,
    BOOLEAN,
    CHANNEL,
    MENTIONABLE,
    ROLE,
    TEXT_CHANNEL,
    USER,
    InputError,
    Target,
    Token,
    branches,
    chat_commands,
    convert,
    descend,
    named,
    quote,
    tokenize,
)
from sandbox.session import SANDBOX_COMMANDS

if TYPE_CHECKING:
    from sandbox.session import Sandbox

log = logging.getLogger(__name__)

Json = dict[str, Any]

AUTOCOMPLETE_WITHIN = 2.0


@dataclass(frozen=True)
class Suggestion:
    """Replace the line from `start` to the cursor with `text`; the menu shows `label` and `meta`."""

    text: str
    start: int
    label: str
    meta: str = ""


async def suggest(sandbox: Sandbox, line: str) -> list[Suggestion]:
    """What may come next at the end of `line` (the text before the cursor)."""
    if sandbox.form is not None:
        return []
    tokens = tokenize(line)
    starting_word = not tokens or (line[-1:].isspace() and not tokens[-1].unclosed)
    current = Token("", len(line), len(line)) if starting_word else tokens[-1]
    before = tokens if starting_word else tokens[:-1]
    if not before:
        return first_words(sandbox, current)
    head = before[0].value.lower()
    if head == "as" and len(before) == 1:
        return _matching(((name, sandbox.newsroom.rights(m)) for name, m in sandbox.newsroom.members.items()), current)
    if not head.startswith("/"):
        return []
    return await slash_words(sandbox, before, current)


def first_words(sandbox: Sandbox, current: Token) -> list[Suggestion]:
    slash = [(f"/{name}", str(c.get("description") or "")) for name, c in chat_commands(sandbox.commands).items()]
    own = [(usage.split(" ")[0], what) for usage, what in SANDBOX_COMMANDS]
    return _matching(slash if current.value.startswith("/") else [*slash, *own], current)


async def slash_words(sandbox: Sandbox, before: list[Token], current: Token) -> list[Suggestion]:
    command = chat_commands(sandbox.commands).get(before[0].value.removeprefix("/").lower())
    if command is None:
        return []
    path, definitions, used = descend(command, before)
    if branches(definitions):
        if used < len(before):
            return []  # a word that is not a subcommand: nothing sensible to offer
        return _matching(((o["name"], str(o.get("description") or "")) for o in branches(definitions)), current)
    target = Target(command, path, definitions, used)
    given: dict[str, str] = {}
    loose = False
    for token in before[used:]:
        pair = named(token, target)
        if pair is None:
            loose = True
        else:
            given[pair[0]["name"]] = pair[1]
    pair = named(current, target)
    if pair is not None:
        definition, typed = pair
        return await values(sandbox, target, definition, typed, given, current.start, f"{definition['name']}:")
    unused = [o for o in target.options if o["name"] not in given]
    found = _matching(((f"{o['name']}:", _describe(o)) for o in unused), current)
    free = next((o for o in unused if o.get("required")), None)
    if free is not None and current.value and not loose:
        # The shorthand `/claim troo`: offer values for the first required option too.
        found += await values(sandbox, target, free, current.value, given, current.start, "")
    return found


async def values(
    sandbox: Sandbox, target: Target, definition: Json, typed: str, given: dict[str, str], start: int, prefix: str
) -> list[Suggestion]:
    """Values for one option: its fixed choices, the bot's autocomplete, or the server's channels, roles, members."""
    kind = definition.get("type")
    pairs: list[tuple[str, str]]  # (value to insert, what the menu shows)
    if definition.get("choices"):
        lowered = typed.lower()
        pairs = [
            (str(c["value"]), str(c["name"]))
            for c in definition["choices"]
            if lowered in str(c["name"]).lower() or str(c["value"]).lower().startswith(lowered)
        ]
    elif definition.get("autocomplete"):
        pairs = await _ask_bot(sandbox, target, definition, typed, given)
    elif kind == ATTACHMENT:
        pairs = [(path, path) for path in _local_files(typed)]
    else:
        pairs = [(value, value) for value in _known_values(sandbox, kind) if value.lower().startswith(typed.lower())]
    return [Suggestion(prefix + quote(value), start, label) for value, label in pairs]


async def _ask_bot(
    sandbox: Sandbox, target: Target, definition: Json, typed: str, given: dict[str, str]
) -> list[tuple[str, str]]:
    guild = sandbox.newsroom.guild
    others: dict[str, Any] = {}
    for name, raw in given.items():
        other = target.option(name)
        if other is None or name == definition["name"] or other.get("type") == ATTACHMENT:
            continue  # Discord's client sends no files with autocomplete
        try:
            others[name] = convert(other, raw, guild)
        except InputError:
            continue  # the client sends what it can; a half-typed option is left out
    result = await sandbox.driver.autocomplete(
        guild,
        sandbox.member,
        target.name,
        definition["name"],
        typed,
        others,
        subcommand=target.path,
        channel=sandbox.channel,
    )
    try:
        await result.wait_answered(within=AUTOCOMPLETE_WITHIN)
    except TimeoutError:
        return []
    return [(str(c["value"]), str(c["name"])) for c in result.choices]


def _known_values(sandbox: Sandbox, kind: object) -> list[str]:
    guild = sandbox.newsroom.guild
    roles = [f"@{r.name}" for r in guild.roles.values() if r.id != guild.id]
    members = list(sandbox.newsroom.members)
    if kind == CHANNEL:
        return [f"#{c.name}" for c in guild.channels.values() if c.type == TEXT_CHANNEL]
    if kind == ROLE:
        return roles
    if kind == USER:
        return members
    if kind == MENTIONABLE:
        return roles + members
    if kind == BOOLEAN:
        return ["true", "false"]
    return []


def _local_files(typed: str, limit: int = 25) -> list[str]:
    """Paths on this machine that start with what is typed: folders (to go on typing) and files."""
    folder, _, start = typed.rpartition("/")
    base = Path(folder or ".").expanduser() if folder or not typed.startswith("/") else Path("/")
    try:
        entries = sorted(base.iterdir())
    except OSError:
        return []
    found = []
    for entry in entries:
        if entry.name.startswith(start) and not entry.name.startswith("."):
            shown = f"{folder}/{entry.name}" if folder else entry.name
            found.append(shown + "/" if entry.is_dir() else shown)
    return found[:limit]


def _describe(option: Json) -> str:
    description = str(option.get("description") or "")
    return f"{description} (required)" if option.get("required") else description


def _matching(pairs: Iterable[tuple[str, str]], current: Token) -> list[Suggestion]:
    typed = current.value.lower()
    return [Suggestion(text, current.start, text, meta) for text, meta in pairs if text.lower().startswith(typed)]


class SandboxCompleter(Completer):
    """prompt_toolkit's side: runs :func:`suggest` in the event loop the bot and the local Discord share."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        return []  # everything needs the event loop; prompt_async uses get_completions_async

    async def get_completions_async(
        self, document: Document, complete_event: CompleteEvent
    ) -> AsyncGenerator[Completion, None]:
        line = document.text_before_cursor
        try:
            found = await suggest(self.sandbox, line)
        except Exception:
            log.exception("Completing %r failed", line)
            return
        for item in found:
            yield Completion(
                item.text, start_position=item.start - len(line), display=item.label, display_meta=item.meta
            )
