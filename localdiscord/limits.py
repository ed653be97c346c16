"""Discord's documented limits on what an app may send, checked field by field.

Each check returns :class:`Finding` objects naming the exact field (``embeds[0].fields[3].value``) so a
failing test says what to shorten. Sources, all in discord/discord-api-docs:

- developers/resources/message.mdx: content 2000, 10 embeds, "Embed Limits", allowed mentions defaults
- developers/components/reference.mdx: action rows, buttons, selects, text inputs, custom_id 1-100
- developers/interactions/receiving-and-responding.mdx: autocomplete (max 25 choices) and modal (title
  max 45, 1-5 components)
- developers/interactions/application-commands.mdx: choice name 1-100, string value up to 100
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from localdiscord.world import IS_COMPONENTS_V2

Json = dict[str, Any]

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
EMBEDS_TOTAL_MAX = 6000
ACTION_ROWS_MAX = 5
BUTTONS_PER_ROW_MAX = 5
V2_COMPONENTS_MAX = 40
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
SELECT_PLACEHOLDER_MAX = 150
SELECT_OPTION_TEXT_MAX = 100
SELECT_VALUES_MAX = 25
AUTOCOMPLETE_CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
TEXT_INPUT_LABEL_MAX = 45
TEXT_INPUT_LENGTH_MAX = 4000
TEXT_INPUT_PLACEHOLDER_MAX = 100
LABEL_DESCRIPTION_MAX = 100

SELECT_TYPES = frozenset({3, 5, 6, 7, 8})

#: Default ``allowed_mentions`` when a body has none (message.mdx, "Default Settings for Allowed Mentions").
PARSE_ALL = ("users", "roles", "everyone")
PARSE_INTERACTION = ("users",)

_EVERYONE = re.compile(r"@(everyone|here)")
_ROLE = re.compile(r"<@&(\d+)>")
_USER = re.compile(r"<@!?(\d+)>")


@dataclass(frozen=True)
class Finding:
    path: str
    detail: str
    code: str = "BASE_TYPE_MAX_LENGTH"


def _n(value: int) -> str:
    return f"{value:,}"


def _too_long(path: str, text: object, limit: int, *, trim: bool = False) -> list[Finding]:
    if not isinstance(text, str):
        return []
    length = len(text.strip()) if trim else len(text)
    if length > limit:
        return [Finding(path, f"{_n(length)} > {_n(limit)}")]
    return []


def _length_between(path: str, text: object, low: int, high: int) -> list[Finding]:
    if not isinstance(text, str):
        return [Finding(path, "required", "BASE_TYPE_REQUIRED")]
    if len(text) < low:
        return [Finding(path, f"{_n(len(text))} < {_n(low)}", "BASE_TYPE_MIN_LENGTH")]
    return _too_long(path, text, high)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


# --- messages -------------------------------------------------------------------------------------


def check_message(
    body: Json,
    *,
    prefix: str = "",
    default_parse: Iterable[str] = PARSE_ALL,
    creating: bool = True,
    check_pings: bool = True,
    has_files: bool = False,
) -> list[Finding]:
    """Everything wrong with a message body (create or edit)."""
    findings: list[Finding] = []
    content = body.get("content")
    findings += _too_long(_join(prefix, "content"), content, CONTENT_MAX)
    embeds = body.get("embeds") or []
    findings += check_embeds(embeds, prefix=_join(prefix, "embeds"))
    flags = int(body.get("flags") or 0)
    components = body.get("components") or []
    findings += check_components(components, prefix=_join(prefix, "components"), v2=bool(flags & IS_COMPONENTS_V2))
    if creating and not (
        (isinstance(content, str) and content.strip())
        or embeds
        or components
        or has_files
        or body.get("attachments")
        or body.get("sticker_ids")
        or body.get("poll")
    ):
        findings.append(Finding(_join(prefix, "content"), "cannot send an empty message", "EMPTY_MESSAGE"))
    if check_pings:
        findings += check_mentions(body, prefix=prefix, default_parse=default_parse)
    return findings


def check_embeds(embeds: list[Json], *, prefix: str = "embeds") -> list[Finding]:
    findings: list[Finding] = []
    if len(embeds) > EMBEDS_MAX:
        findings.append(Finding(prefix, f"{_n(len(embeds))} embeds > {EMBEDS_MAX}"))
    total = 0
    for i, embed in enumerate(embeds):
        at = f"{prefix}[{i}]"
        title = embed.get("title")
        description = embed.get("description")
        findings += _too_long(f"{at}.title", title, EMBED_TITLE_MAX, trim=True)
        findings += _too_long(f"{at}.description", description, EMBED_DESCRIPTION_MAX, trim=True)
        counted = [title, description]
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_MAX:
            findings.append(Finding(f"{at}.fields", f"{_n(len(fields))} fields > {EMBED_FIELDS_MAX}"))
        for j, fld in enumerate(fields):
            name, value = fld.get("name"), fld.get("value")
            for key, text, limit in (("name", name, EMBED_FIELD_NAME_MAX), ("value", value, EMBED_FIELD_VALUE_MAX)):
                path = f"{at}.fields[{j}].{key}"
                if not isinstance(text, str) or not text.strip():
                    findings.append(Finding(path, "must not be empty", "BASE_TYPE_REQUIRED"))
                else:
                    findings += _too_long(path, text, limit, trim=True)
            counted += [name, value]
        footer = (embed.get("footer") or {}).get("text")
        author = (embed.get("author") or {}).get("name")
        findings += _too_long(f"{at}.footer.text", footer, EMBED_FOOTER_MAX, trim=True)
        findings += _too_long(f"{at}.author.name", author, EMBED_AUTHOR_MAX, trim=True)
        counted += [footer, author]
        total += sum(len(t.strip()) for t in counted if isinstance(t, str))
    if total > EMBEDS_TOTAL_MAX:
        findings.append(Finding(prefix, f"{_n(total)} characters across all embeds > {_n(EMBEDS_TOTAL_MAX)}"))
    return findings


def check_mentions(body: Json, *, prefix: str = "", default_parse: Iterable[str] = PARSE_ALL) -> list[Finding]:
    """Mentions in ``content`` that would notify someone.

    Stricter than Discord on purpose: a mention counts whether or not the bot has MENTION_EVERYONE or the
    role is mentionable, because a bot that relies on lacking a permission pings as soon as it is given it.
    """
    content = body.get("content")
    allowed = body.get("allowed_mentions")
    findings: list[Finding] = []
    path = _join(prefix, "content")
    if allowed is None:
        parse = set(default_parse)
        roles: set[str] = set()
        users: set[str] = set()
    else:
        parse = set(allowed.get("parse") or [])
        roles = {str(r) for r in allowed.get("roles") or []}
        users = {str(u) for u in allowed.get("users") or []}
    if not (isinstance(content, str) and "@" in content) and not body.get("message_reference"):
        return findings  # every mention has an "@": most answers stop here, before the texts below
    if allowed is None:
        why = f"no allowed_mentions, so Discord parses {sorted(parse)}"
    else:
        why = f"allowed_mentions={allowed}"
    if isinstance(content, str):
        for match in _EVERYONE.finditer(content):
            if "everyone" in parse:
                findings.append(Finding(path, f"would ping @{match.group(1)} ({why})", "PING"))
        for match in _ROLE.finditer(content):
            if "roles" in parse or match.group(1) in roles:
                findings.append(Finding(path, f"would ping role {match.group(1)} ({why})", "PING"))
        for match in _USER.finditer(content):
            if "users" in parse or match.group(1) in users:
                findings.append(Finding(path, f"would ping user {match.group(1)} ({why})", "PING"))
    if body.get("message_reference") and (allowed is None or allowed.get("replied_user")):
        findings.append(Finding(_join(prefix, "allowed_mentions"), f"reply would ping its author ({why})", "PING"))
    return findings


# --- components -----------------------------------------------------------------------------------


def check_components(components: list[Json], *, prefix: str = "components", v2: bool = False) -> list[Finding]:
    findings: list[Finding] = []
    if not v2 and len(components) > ACTION_ROWS_MAX:
        findings.append(Finding(prefix, f"{len(components)} action rows > {ACTION_ROWS_MAX}"))
    seen: dict[str, str] = {}
    count = 0
    for i, component in enumerate(components):
        at = f"{prefix}[{i}]"
        if not v2 and component.get("type") != 1:
            findings.append(Finding(at, "top-level components must be action rows", "COMPONENT_LAYOUT_INVALID"))
        for path, item in _walk(component, at):
            count += 1
            findings += _check_item(path, item, seen)
    if v2 and count > V2_COMPONENTS_MAX:
        findings.append(Finding(prefix, f"{count} components > {V2_COMPONENTS_MAX}"))
    return findings


def _walk(component: Json, path: str) -> Iterable[tuple[str, Json]]:
    yield path, component
    for i, child in enumerate(component.get("components") or []):
        yield from _walk(child, f"{path}.components[{i}]")
    for key in ("accessory", "component"):
        if isinstance(component.get(key), dict):
            yield from _walk(component[key], f"{path}.{key}")


def _check_item(path: str, item: Json, seen: dict[str, str]) -> list[Finding]:
    kind = item.get("type")
    findings: list[Finding] = []
    custom_id = item.get("custom_id")
    if isinstance(custom_id, str):
        if custom_id in seen:
            findings.append(
                Finding(f"{path}.custom_id", f"duplicate of {seen[custom_id]}", "COMPONENT_CUSTOM_ID_DUPLICATED")
            )
        seen.setdefault(custom_id, path)
    if kind == 1:
        children = item.get("components") or []
        buttons = [c for c in children if c.get("type") == 2]
        selects = [c for c in children if c.get("type") in SELECT_TYPES]
        if not children:
            findings.append(Finding(f"{path}.components", "an action row must not be empty", "BASE_TYPE_REQUIRED"))
        if selects and len(children) > 1:
            findings.append(
                Finding(f"{path}.components", "a select must be alone in its action row", "COMPONENT_LAYOUT_INVALID")
            )
        if len(buttons) > BUTTONS_PER_ROW_MAX:
            findings.append(Finding(f"{path}.components", f"{len(buttons)} buttons > {BUTTONS_PER_ROW_MAX}"))
    elif kind == 2:
        findings += _too_long(f"{path}.label", item.get("label"), BUTTON_LABEL_MAX)
        style = item.get("style")
        if style == 5:
            if not item.get("url"):
                findings.append(Finding(f"{path}.url", "a link button needs a url", "BASE_TYPE_REQUIRED"))
        elif style != 6:
            findings += _length_between(f"{path}.custom_id", custom_id, 1, CUSTOM_ID_MAX)
    elif kind in SELECT_TYPES:
        findings += _length_between(f"{path}.custom_id", custom_id, 1, CUSTOM_ID_MAX)
        findings += _too_long(f"{path}.placeholder", item.get("placeholder"), SELECT_PLACEHOLDER_MAX)
        low, high = item.get("min_values", 1), item.get("max_values", 1)
        if isinstance(low, int) and not 0 <= low <= SELECT_VALUES_MAX:
            findings.append(Finding(f"{path}.min_values", f"{low} not in 0..{SELECT_VALUES_MAX}"))
        if isinstance(high, int) and not 1 <= high <= SELECT_VALUES_MAX:
            findings.append(Finding(f"{path}.max_values", f"{high} not in 1..{SELECT_VALUES_MAX}"))
        if kind == 3:
            options = item.get("options") or []
            if not options:
                findings.append(
                    Finding(f"{path}.options", "a string select needs at least one option", "BASE_TYPE_REQUIRED")
                )
            if len(options) > SELECT_OPTIONS_MAX:
                findings.append(Finding(f"{path}.options", f"{len(options)} options > {SELECT_OPTIONS_MAX}"))
            for j, option in enumerate(options):
                at = f"{path}.options[{j}]"
                findings += _length_between(f"{at}.label", option.get("label"), 1, SELECT_OPTION_TEXT_MAX)
                findings += _length_between(f"{at}.value", option.get("value"), 1, SELECT_OPTION_TEXT_MAX)
                findings += _too_long(f"{at}.description", option.get("description"), SELECT_OPTION_TEXT_MAX)
    elif kind == 4:
        findings += _check_text_input(path, item)
    elif kind == 18:
        findings += _length_between(f"{path}.label", item.get("label"), 1, TEXT_INPUT_LABEL_MAX)
        findings += _too_long(f"{path}.description", item.get("description"), LABEL_DESCRIPTION_MAX)
    return findings


def _check_text_input(path: str, item: Json) -> list[Finding]:
    findings = _length_between(f"{path}.custom_id", item.get("custom_id"), 1, CUSTOM_ID_MAX)
    findings += _too_long(f"{path}.label", item.get("label"), TEXT_INPUT_LABEL_MAX)
    findings += _too_long(f"{path}.value", item.get("value"), TEXT_INPUT_LENGTH_MAX)
    findings += _too_long(f"{path}.placeholder", item.get("placeholder"), TEXT_INPUT_PLACEHOLDER_MAX)
    for key, low in (("min_length", 0), ("max_length", 1)):
        value = item.get(key)
        if isinstance(value, int) and not low <= value <= TEXT_INPUT_LENGTH_MAX:
            findings.append(Finding(f"{path}.{key}", f"{value} not in {low}..{TEXT_INPUT_LENGTH_MAX}"))
    return findings


# --- interaction callbacks ------------------------------------------------------------------------


def check_autocomplete(data: Json, *, prefix: str = "data") -> list[Finding]:
    choices = data.get("choices")
    if not isinstance(choices, list):
        return [Finding(f"{prefix}.choices", "required", "BASE_TYPE_REQUIRED")]
    findings: list[Finding] = []
    if len(choices) > AUTOCOMPLETE_CHOICES_MAX:
        findings.append(Finding(f"{prefix}.choices", f"{len(choices)} choices > {AUTOCOMPLETE_CHOICES_MAX}"))
    for i, choice in enumerate(choices):
        at = f"{prefix}.choices[{i}]"
        findings += _length_between(f"{at}.name", choice.get("name"), 1, CHOICE_NAME_MAX)
        findings += _too_long(f"{at}.value", choice.get("value"), CHOICE_VALUE_MAX)
    return findings


def check_modal(data: Json, *, prefix: str = "data") -> list[Finding]:
    findings = _length_between(f"{prefix}.custom_id", data.get("custom_id"), 1, CUSTOM_ID_MAX)
    findings += _length_between(f"{prefix}.title", data.get("title"), 1, MODAL_TITLE_MAX)
    components = data.get("components") or []
    if not 1 <= len(components) <= MODAL_COMPONENTS_MAX:
        findings.append(
            Finding(f"{prefix}.components", f"{len(components)} components not in 1..{MODAL_COMPONENTS_MAX}")
        )
    seen: dict[str, str] = {}
    for i, component in enumerate(components):
        for path, item in _walk(component, f"{prefix}.components[{i}]"):
            findings += _check_item(path, item, seen)
    return findings
