"""What a member sees of a message, drawn with rich: content, embeds as coloured panels, numbered buttons.

The sandbox reads the local Discord's stored payloads, the same JSON a Discord client would draw, so what
shows here is what the bot really sent (not what the cog meant to send).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich import box
from rich.color import Color
from rich.console import Group, RenderableType
from rich.constrain import Constrain
from rich.padding import Padding
from rich.panel import Panel
from rich.style import Style
from rich.table import Table
from rich.text import Text

from localdiscord.world import LOADING, Message
from sandbox.markdown import Names, discord_text, no_names

Json = dict[str, Any]

EMBED_WIDTH = 100  # Discord draws embeds narrow; a full-width panel on a wide terminal is hard to read
INLINE_PER_ROW = 3  # Discord puts up to three inline fields side by side
BUTTON, LINK_STYLE = 2, 5
SELECTS = {3, 5, 6, 7, 8}


@dataclass(frozen=True)
class Button:
    """A clickable component as `press N` knows it: N is its place among the message's buttons."""

    number: int
    label: str
    custom_id: str
    disabled: bool


def buttons_of(message: Message) -> list[Button]:
    """The message's buttons that send an interaction, numbered in reading order (link buttons do not)."""
    found: list[Button] = []
    for component in _components(message):
        if component.get("type") == BUTTON and component.get("custom_id"):
            found.append(
                Button(
                    number=len(found) + 1,
                    label=_label(component),
                    custom_id=str(component["custom_id"]),
                    disabled=bool(component.get("disabled")),
                )
            )
    return found


def message_view(
    message: Message, *, channel: str | None, author: str, names: Names = no_names, note: str = ""
) -> RenderableType:
    """The whole message: who posted where (a channel, or None for a direct message to you), whether only
    you see it, then its body, indented. `note` says why it is shown again (an edit seen later)."""
    where = f" in #{channel}" if channel is not None else " · direct message to you"
    header = Text.assemble((note, "bold magenta"), (author, "bold cyan"), (where, "cyan"))
    if message.ephemeral:
        header.append(" · only you can see this", style="italic yellow")
    if edited(message):
        header.append(" · (edited)", style="dim")
    body: list[RenderableType] = []
    if message.content:
        body.append(discord_text(message.content, names))
    body.extend(embed_view(embed, names) for embed in message.embeds)
    controls = components_view(message)
    if controls is not None:
        body.append(controls)
    if not body:
        body.append(Text("(an empty message)", style="dim"))
    return Group(header, Padding(Group(*body), (0, 0, 0, 2)))


def edited(message: Message) -> bool:
    """Discord marks a message edited, but not the "thinking…" placeholder its first answer replaced."""
    return any(not int(version.get("flags") or 0) & LOADING for version in message.history)


def embed_view(embed: Json, names: Names = no_names) -> RenderableType:
    """An embed as a panel bordered in the embed's colour: author, title, description, fields, footer."""
    parts: list[RenderableType] = []
    author = (embed.get("author") or {}).get("name")
    if author:
        parts.append(Text(str(author), style="bold"))
    if embed.get("description"):
        parts.append(discord_text(str(embed["description"]), names))
    parts.extend(_fields(embed.get("fields") or [], names))
    footer = _footer(embed)
    if footer:
        parts.extend([Text(""), Text(footer, style="dim")] if parts else [Text(footer, style="dim")])
    title = embed.get("title")
    panel = Panel(
        Group(*parts) if parts else Text(""),
        title=discord_text(str(title), names, style="bold") if title else None,
        title_align="left",
        border_style=_colour(embed.get("color")),
        box=box.ROUNDED,
        padding=(0, 1),
    )
    return Constrain(panel, EMBED_WIDTH)


def components_view(message: Message) -> RenderableType | None:
    """`[1] History  [2] More from this speaker`: the numbers are what `press N` takes."""
    line = Text()
    number = 0
    for component in _components(message):
        kind = component.get("type")
        if kind == BUTTON and component.get("custom_id"):
            number += 1
            style = "dim strike" if component.get("disabled") else "bold"
            piece = Text.assemble((f"[{number}] ", "dim" if component.get("disabled") else "magenta"))
            piece.append(_label(component), style=style)
        elif kind == BUTTON and component.get("url"):
            piece = Text(f"↗ {_label(component)} ({component['url']})", style="bright_blue")
        elif kind in SELECTS:
            placeholder = component.get("placeholder") or "choose…"
            piece = Text(f"▾ {placeholder} (menus cannot be used in the sandbox)", style="dim")
        else:
            continue
        if line:
            line.append("  ")
        line.append_text(piece)
    return line or None


def _components(message: Message) -> list[Json]:
    """Every component in reading order, rows flattened (Components V2 containers included)."""
    ordered: list[Json] = []
    pending = list(message.components)
    while pending:
        item = pending.pop(0)
        children = list(item.get("components") or [])
        for key in ("accessory", "component"):
            if isinstance(item.get(key), dict):
                children.append(item[key])
        if children:
            pending[:0] = children
        else:
            ordered.append(item)
    return ordered


def _label(component: Json) -> str:
    emoji = (component.get("emoji") or {}).get("name") or ""
    label = component.get("label") or ""
    return f"{emoji} {label}".strip() or "(no label)"


def _fields(fields: list[Json], names: Names) -> list[RenderableType]:
    """Inline fields share a row, up to three; any other field takes a row of its own."""
    rows: list[RenderableType] = []
    inline: list[Json] = []

    def flush() -> None:
        if not inline:
            return
        grid = Table.grid(padding=(0, 3))
        for _ in inline:
            grid.add_column()
        grid.add_row(*(_field(item, names) for item in inline))
        rows.append(grid)
        inline.clear()

    for item in fields:
        if item.get("inline"):
            inline.append(item)
            if len(inline) == INLINE_PER_ROW:
                flush()
            continue
        flush()
        rows.append(_field(item, names))
    flush()
    return [Group(Text(""), row) for row in rows]


def _field(item: Json, names: Names) -> RenderableType:
    name = str(item.get("name") or "")
    value = str(item.get("value") or "")
    return Group(discord_text(name, names, style="bold"), discord_text(value, names))


def _footer(embed: Json) -> str:
    text = str((embed.get("footer") or {}).get("text") or "")
    stamp = embed.get("timestamp")
    if stamp:
        try:
            moment = datetime.fromisoformat(str(stamp)).astimezone()
            text = f"{text} · {moment:%Y-%m-%d %H:%M}" if text else f"{moment:%Y-%m-%d %H:%M}"
        except ValueError:
            pass
    return text


def _colour(value: object) -> Style:
    if not isinstance(value, int) or value <= 0:
        return Style(color="grey50")
    return Style(color=Color.from_rgb((value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF))
