"""Registration rules for application commands, as Discord checks them on PUT/POST/PATCH.

Source: discord/discord-api-docs, developers/interactions/application-commands.mdx ("Application Command
Naming", the command and option structure tables, and the 8000-character warning under "Slash Commands").
"""

from __future__ import annotations

import unicodedata
from typing import Any

from localdiscord.limits import Finding

Json = dict[str, Any]

CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND = 1, 2, 3
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, NUMBER = 3, 4, 10

NAME_MAX = 32
DESCRIPTION_MAX = 100
OPTIONS_MAX = 25
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
COMMAND_TEXT_MAX = 8000


def _is_devanagari_or_thai(ch: str) -> bool:
    cp = ord(ch)
    return 0x0900 <= cp <= 0x097F or 0xA8E0 <= cp <= 0xA8FF or 0x0E00 <= cp <= 0x0E7F


def valid_chat_input_name(name: object) -> str | None:
    """Why ``name`` breaks ``^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$`` + lowercase, or None.

    Python's ``re`` has no ``\\p{..}`` classes, so the character classes are checked with unicodedata.
    """
    if not isinstance(name, str) or not name:
        return "required"
    if len(name) > NAME_MAX:
        return f"{len(name)} > {NAME_MAX} characters"
    for ch in name:
        if ch in "-_'" or unicodedata.category(ch)[0] in "LN" or _is_devanagari_or_thai(ch):
            continue
        return f"{ch!r} is not allowed in a name"
    if name != name.lower():
        return "must be lowercase"
    return None


def check_command(command: Json, *, prefix: str = "") -> list[Finding]:
    kind = command.get("type", CHAT_INPUT)
    name = command.get("name")
    findings: list[Finding] = []
    at = f"{prefix}." if prefix else ""
    if kind == CHAT_INPUT:
        why = valid_chat_input_name(name)
        if why:
            findings.append(Finding(f"{at}name", why, "APPLICATION_COMMAND_INVALID_NAME"))
        findings += _description(command.get("description"), f"{at}description")
        findings += _options(command.get("options") or [], f"{at}options", depth=0)
        total = _text_size(command)
        if total > COMMAND_TEXT_MAX:
            findings.append(Finding(f"{at}name", f"{total:,} characters of names, descriptions and values > 8,000"))
    else:
        if not isinstance(name, str) or not 1 <= len(name) <= NAME_MAX:
            findings.append(Finding(f"{at}name", "must be 1-32 characters", "APPLICATION_COMMAND_INVALID_NAME"))
        if command.get("description"):
            findings.append(Finding(f"{at}description", "must be empty for user and message commands"))
        if command.get("options"):
            findings.append(Finding(f"{at}options", "only chat input commands take options"))
    return findings


def check_command_list(commands: list[Json]) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple[int, str]] = set()
    for i, command in enumerate(commands):
        findings += check_command(command, prefix=str(i))
        key = (command.get("type", CHAT_INPUT), str(command.get("name")))
        if key in seen:
            findings.append(
                Finding(f"{i}.name", f"duplicate command name {key[1]!r}", "APPLICATION_COMMANDS_DUPLICATE_NAME")
            )
        seen.add(key)
    return findings


def _description(text: object, path: str) -> list[Finding]:
    if not isinstance(text, str) or not text:
        return [Finding(path, "must be 1-100 characters", "BASE_TYPE_REQUIRED")]
    if len(text) > DESCRIPTION_MAX:
        return [Finding(path, f"{len(text):,} > {DESCRIPTION_MAX}")]
    return []


def _options(options: list[Json], path: str, *, depth: int) -> list[Finding]:
    findings: list[Finding] = []
    if len(options) > OPTIONS_MAX:
        findings.append(Finding(path, f"{len(options)} options > {OPTIONS_MAX}"))
    names: set[str] = set()
    seen_optional = False
    kinds = {o.get("type") for o in options}
    nested = kinds & {SUB_COMMAND, SUB_COMMAND_GROUP}
    if nested and kinds - nested:
        findings.append(Finding(path, "subcommands cannot be mixed with plain options"))
    for i, option in enumerate(options):
        at = f"{path}[{i}]"
        kind = option.get("type")
        name = option.get("name")
        why = valid_chat_input_name(name)
        if why:
            findings.append(Finding(f"{at}.name", why, "APPLICATION_COMMAND_INVALID_NAME"))
        if name in names:
            findings.append(
                Finding(
                    f"{at}.name", f"duplicate option name {name!r}", "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS"
                )
            )
        names.add(str(name))
        findings += _description(option.get("description"), f"{at}.description")
        if kind in (SUB_COMMAND, SUB_COMMAND_GROUP):
            if (kind == SUB_COMMAND_GROUP and depth > 0) or (kind == SUB_COMMAND and depth > 1):
                findings.append(Finding(f"{at}.type", "subcommands nest at most group > subcommand"))
            children = option.get("options") or []
            if kind == SUB_COMMAND_GROUP and any(c.get("type") != SUB_COMMAND for c in children):
                findings.append(Finding(f"{at}.options", "a subcommand group may only hold subcommands"))
            findings += _options(children, f"{at}.options", depth=depth + 1)
            continue
        if option.get("required"):
            if seen_optional:
                findings.append(
                    Finding(
                        f"{at}.required",
                        "required options must come before optional ones",
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    )
                )
        else:
            seen_optional = True
        choices = option.get("choices") or []
        if choices and kind not in (STRING, INTEGER, NUMBER):
            findings.append(Finding(f"{at}.choices", "only string, integer and number options take choices"))
        if choices and option.get("autocomplete"):
            findings.append(Finding(f"{at}.autocomplete", "autocomplete may not be set together with choices"))
        if len(choices) > CHOICES_MAX:
            findings.append(Finding(f"{at}.choices", f"{len(choices)} choices > {CHOICES_MAX}"))
        for j, choice in enumerate(choices):
            cname, value = choice.get("name"), choice.get("value")
            if not isinstance(cname, str) or not 1 <= len(cname) <= CHOICE_NAME_MAX:
                findings.append(Finding(f"{at}.choices[{j}].name", "must be 1-100 characters"))
            if isinstance(value, str) and len(value) > CHOICE_VALUE_MAX:
                findings.append(Finding(f"{at}.choices[{j}].value", f"{len(value):,} > {CHOICE_VALUE_MAX}"))
    return findings


def _text_size(node: Json) -> int:
    total = sum(len(node[k]) for k in ("name", "description") if isinstance(node.get(k), str))
    for choice in node.get("choices") or []:
        total += len(str(choice.get("name", ""))) + len(str(choice.get("value", "")))
    return total + sum(_text_size(o) for o in node.get("options") or [])
