"""Typed input into what a Discord client would send: `/mod status claim:2 verdict:confirmed note:"…"`.

The synced command definitions (what the bot registered with the local Discord) are the only source of
truth: option names, types, choices and subcommands are read from them, never hard-coded here, so a new
command or option works in the sandbox the moment the bot registers it.

Rules a person can rely on:
- `name:value` sets an option; values with spaces go in quotes (`note:"seen in satellite imagery"`);
- words without a known `name:` (the shorthand `/claim troops`) fill the first required option not given;
- channels are `#fact-checks`, roles `@Mods` (or just the name), members by name;
- an option with choices takes a choice's value or its name;
- a file option takes a path on this machine (`file:story.toml`, `~` allowed), read when the line is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from localdiscord.world import Guild, Role

Json = dict[str, Any]

CHAT_INPUT, MESSAGE_COMMAND = 1, 3
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
TEXT_CHANNEL = 0
QUOTES = "\"'"
TRUE_WORDS, FALSE_WORDS = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}


class InputError(Exception):
    """What the person typed cannot be sent; the message is one line that says how to fix it."""


@dataclass(frozen=True)
class LocalFile:
    """A file option's value: what the member's client would upload (the session makes it an attachment)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Token:
    """One word of the input line, quotes removed; `start`/`end` index the raw line."""

    value: str
    start: int
    end: int
    quoted: bool = False  # the whole word was in quotes: never read as `name:value`
    unclosed: bool = False  # a quote is still open (the person is typing)


def tokenize(line: str) -> list[Token]:
    """Split on spaces, keeping quoted stretches whole.

    A quote opens only at the start of a word or right after `name:`, so apostrophes inside words
    (`Russia's`) are just letters. A backslash keeps the next quote literal inside quotes.
    """
    tokens: list[Token] = []
    index, length = 0, len(line)
    while index < length:
        if line[index].isspace():
            index += 1
            continue
        start, chars, quote, quoted_whole = index, [], "", line[index] in QUOTES
        while index < length:
            char = line[index]
            if quote:
                if char == "\\" and index + 1 < length and line[index + 1] == quote:
                    chars.append(quote)
                    index += 2
                    continue
                if char == quote:
                    quote = ""
                else:
                    chars.append(char)
            elif char.isspace():
                break
            elif char in QUOTES and (index == start or (chars and chars[-1] == ":" and chars.count(":") == 1)):
                quote = char
            else:
                chars.append(char)
            index += 1
        tokens.append(Token("".join(chars), start, index, quoted=quoted_whole, unclosed=bool(quote)))
    return tokens


def quote(value: str) -> str:
    """The value as it must be typed to come back whole from :func:`tokenize`."""
    if value and not any(c.isspace() or c in QUOTES for c in value):
        return value
    escaped = value.replace('"', '\\"')
    return f'"{escaped}"'


# --- the synced commands ----------------------------------------------------------------------------


def chat_commands(commands: list[Json]) -> dict[str, Json]:
    return {c["name"]: c for c in commands if c.get("type", CHAT_INPUT) == CHAT_INPUT}


def message_commands(commands: list[Json]) -> dict[str, Json]:
    return {c["name"]: c for c in commands if c.get("type") == MESSAGE_COMMAND}


def branches(definitions: list[Json]) -> list[Json]:
    """The subcommands (or groups) at this level; empty when the options here are real options."""
    return [o for o in definitions if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]


@dataclass(frozen=True)
class Target:
    """Which command the words address: `/mod status` is the command `mod` with path `("status",)`."""

    command: Json
    path: tuple[str, ...]
    options: list[Json]  # the option definitions where the path ends
    used: int  # how many tokens the command and its path took
    description: str = ""

    @property
    def name(self) -> str:
        return str(self.command["name"])

    @property
    def display(self) -> str:
        return "/" + " ".join((self.name, *self.path))

    def option(self, name: str) -> Json | None:
        return next((o for o in self.options if o["name"] == name), None)


def descend(command: Json, tokens: list[Token]) -> tuple[tuple[str, ...], list[Json], int]:
    """Follow subcommand names after the command name as far as the tokens name real ones.

    Returns the path, the option definitions where it stops and how many tokens it used; if the
    definitions there are still subcommands, the words ran out or the next word is not one.
    """
    path: list[str] = []
    definitions: list[Json] = list(command.get("options") or [])
    used = 1
    while branches(definitions) and used < len(tokens):
        chosen = next((o for o in branches(definitions) if o["name"] == tokens[used].value.lower()), None)
        if chosen is None:
            break
        path.append(chosen["name"])
        definitions = list(chosen.get("options") or [])
        used += 1
    return tuple(path), definitions, used


def find_target(tokens: list[Token], commands: dict[str, Json]) -> Target:
    """Read the command name and any subcommand names from the first tokens."""
    name = tokens[0].value.removeprefix("/").lower()
    command = commands.get(name)
    if command is None:
        known = ", ".join(f"/{n}" for n in sorted(commands))
        raise InputError(f"There is no /{name} command. The bot has: {known}.")
    path, definitions, used = descend(command, tokens)
    if branches(definitions):
        listing = ", ".join(o["name"] for o in branches(definitions))
        here = "/" + " ".join((name, *path))
        if used >= len(tokens):
            raise InputError(f"{here} needs one of: {listing} (e.g. {here} {branches(definitions)[0]['name']} …).")
        raise InputError(f"{here} has no {tokens[used].value!r}; it has: {listing}.")
    return Target(command, path, definitions, used)


def all_targets(commands: dict[str, Json]) -> list[Target]:
    """Every runnable command, subcommands spelled out (`/mod status`, `/mod add`, …), for help."""
    found: list[Target] = []

    def walk(command: Json, path: tuple[str, ...], level: Json) -> None:
        definitions = list(level.get("options") or [])
        if not branches(definitions):
            found.append(Target(command, path, definitions, 1 + len(path), str(level.get("description") or "")))
            return
        for branch in branches(definitions):
            walk(command, (*path, branch["name"]), branch)

    for name in sorted(commands):
        walk(commands[name], (), commands[name])
    return found


def named(token: Token, target: Target) -> tuple[Json, str] | None:
    """`name:value` when `name` is one of the target's options; otherwise the token is a plain word."""
    if token.quoted:
        return None
    name, colon, value = token.value.partition(":")
    if not colon:
        return None
    definition = target.option(name.lower())
    return (definition, value) if definition else None


@dataclass
class SlashCall:
    """A slash command ready for `driver.slash`: options converted to the types the driver sends."""

    target: Target
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.target.name

    @property
    def path(self) -> tuple[str, ...]:
        return self.target.path


def parse_slash(line: str, commands: dict[str, Json], guild: Guild) -> SlashCall:
    tokens = tokenize(line)
    if any(t.unclosed for t in tokens):
        raise InputError('A quote is not closed; put the value in matching quotes, e.g. note:"two words".')
    target = find_target(tokens, commands)
    raw: dict[str, str] = {}
    loose: list[str] = []
    after: tuple[str, str] | None = None  # the text option the first loose word came right after
    last: tuple[str, str] | None = None
    for token in tokens[target.used :]:
        pair = named(token, target)
        if pair is None:
            if not loose and last is not None:
                after = last
            loose.append(token.value)
            last = None
            continue
        definition, value = pair
        last = (definition["name"], value) if definition.get("type") == STRING else None
        if definition["name"] in raw:
            raise InputError(f"{definition['name']} is given twice.")
        raw[definition["name"]] = value
    if loose:
        place_loose(" ".join(loose), raw, target, after)
    missing = [o["name"] for o in target.options if o.get("required") and o["name"] not in raw]
    if missing:
        raise InputError(f"{target.display} needs {', '.join(missing)}. {usage(target)}")
    call = SlashCall(target)
    for name, value in raw.items():
        option = target.option(name)
        assert option is not None
        call.options[name] = convert(option, value, guild)
    return call


def place_loose(words: str, raw: dict[str, str], target: Target, after: tuple[str, str] | None = None) -> None:
    """The shorthand: plain words are the first required option not given by name.

    Words that follow a text option are most often the rest of its value typed without quotes
    (`/search query:artillery factories`), so the error shows how to quote it."""
    free = next((o for o in target.options if o.get("required") and o["name"] not in raw), None)
    if free is None:
        names = ", ".join(f"{o['name']}:" for o in target.options) or "no options"
        hint = ""
        if after is not None:
            name, value = after
            hint = f' A value of more than one word goes in quotes: {name}:"{value} {words}".'
        raise InputError(f"Not sure what {words!r} is for: {target.display} takes {names}.{hint}")
    raw[free["name"]] = words


def usage(target: Target) -> str:
    """`Usage: /mod status claim:… verdict:… note:… [source:…]`."""
    parts = [target.display]
    for option in target.options:
        part = f"{option['name']}:…"
        parts.append(part if option.get("required") else f"[{part}]")
    return "Usage: " + " ".join(parts)


def convert(definition: Json, value: str, guild: Guild) -> Any:
    """The typed text as the driver sends it: choices by value, channels, roles and members as objects."""
    name, kind = definition["name"], definition.get("type", STRING)
    choices = definition.get("choices") or []
    if choices:
        return pick_choice(name, value, choices)
    if kind == CHANNEL:
        wanted = value.removeprefix("#").lower()
        channel = next((c for c in guild.channels.values() if c.name.lower() == wanted), None)
        if channel is None:
            names = ", ".join(f"#{c.name}" for c in guild.channels.values() if c.type == TEXT_CHANNEL)
            raise InputError(f"{name}: there is no channel {value!r}; there are {names}.")
        return channel
    role = _role(guild, value) if kind in (ROLE, MENTIONABLE) else None
    if role is not None:
        return role
    if kind == ROLE:
        names = ", ".join(f"@{r.name}" for r in guild.roles.values() if r.id != guild.id)
        raise InputError(f"{name}: there is no role {value!r}; there are {names}.")
    if kind in (USER, MENTIONABLE):
        wanted = value.removeprefix("@").lower()
        member = next((m for m in guild.members.values() if m.user.username.lower() == wanted), None)
        if member is None:
            raise InputError(f"{name}: there is no member {value!r}; type members to see them.")
        return member
    if kind == ATTACHMENT:
        return read_local_file(name, value)
    if kind == INTEGER:
        return _number(name, value, int)
    if kind == NUMBER:
        return _number(name, value, float)
    if kind == BOOLEAN:
        lowered = value.lower()
        if lowered not in TRUE_WORDS | FALSE_WORDS:
            raise InputError(f"{name}: say true or false, not {value!r}.")
        return lowered in TRUE_WORDS
    return value


def pick_choice(name: str, value: str, choices: list[Json]) -> Any:
    for choice in choices:
        if str(choice["value"]) == value:
            return choice["value"]
    lowered = value.lower()
    for choice in choices:
        if lowered in (str(choice["name"]).lower(), str(choice["value"]).lower()):
            return choice["value"]
    listing = ", ".join(str(c["value"]) for c in choices)
    raise InputError(f"{name}: {value!r} is not one of the choices: {listing}.")


def _role(guild: Guild, value: str) -> Role | None:
    wanted = value.removeprefix("@").lower()
    return next((r for r in guild.roles.values() if r.name.lower() == wanted), None)


def _number(name: str, value: str, kind: type[int] | type[float]) -> int | float:
    try:
        return kind(value)
    except ValueError:
        raise InputError(f"{name}: {value!r} is not a number.") from None


def read_local_file(name: str, value: str) -> LocalFile:
    path = Path(value).expanduser()
    try:
        return LocalFile(path.name, path.read_bytes())
    except IsADirectoryError:
        raise InputError(f"{name}: {value!r} is a folder; give the path of a file.") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read {value!r} ({exc.strerror or exc}).") from None
