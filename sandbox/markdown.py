"""Discord's message markdown as rich Text, so a card in the terminal reads as it would in Discord.

rich's own Markdown follows CommonMark, which joins single line breaks and knows nothing of mentions or
`<t:…>` timestamps; the bot's cards rely on both, so this reads the small subset Discord itself renders.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from rich.style import Style
from rich.text import Text

#: Turns a mention (`#`, `@`, `@&` and an id) into the name a member would see.
Names = Callable[[str, int], str]

_INLINE = re.compile(
    r"""
    (?P<escape>\\(?P<escaped>[\\*_~`|>\[\]()#<-]))
    |(?P<code>`(?P<code_in>[^`\n]+)`)
    |(?P<bold>\*\*(?P<bold_in>.+?)\*\*)
    |(?P<underline>__(?P<underline_in>.+?)__)
    |(?P<italic>\*(?P<italic_in>[^*\s](?:[^*]*?[^*\s])?)\*)
    |(?P<italic2>(?<!\w)_(?P<italic2_in>[^_\s](?:[^_]*?[^_\s])?)_(?!\w))
    |(?P<strike>~~(?P<strike_in>.+?)~~)
    |(?P<spoiler>\|\|(?P<spoiler_in>.+?)\|\|)
    |(?P<link>\[(?P<link_text>[^\]\n]+)\]\(<?(?P<link_url>[^)\s>]+)>?\))
    |(?P<angle><(?P<angle_url>https?://[^>\s]+)>)
    |(?P<time><t:(?P<unix>-?\d{1,13})(?::(?P<time_style>[tTdDfFR]))?>)
    |(?P<mention><(?P<kind>@!?|@&|\#)(?P<id>\d{1,20})>)
    """,
    re.VERBOSE,
)

_WRAPPERS = {
    "bold": Style(bold=True),
    "underline": Style(underline=True),
    "italic": Style(italic=True),
    "italic2": Style(italic=True),
    "strike": Style(strike=True),
    "spoiler": Style(reverse=True),
}

_TIME_FORMATS = {
    "t": "%H:%M",
    "T": "%H:%M:%S",
    "d": "%Y-%m-%d",
    "D": "%d %B %Y",
    "f": "%d %B %Y %H:%M",
    "F": "%A, %d %B %Y %H:%M",
}


def no_names(kind: str, ident: int) -> str:
    return f"{kind.rstrip('!')}{ident}"


def discord_text(source: str, names: Names = no_names, *, style: str | Style = "") -> Text:
    """Render `source` line by line: block quotes, `-#` subtext, headings and lists, then inline markup."""
    out = Text(style=style)
    for index, line in enumerate(source.split("\n")):
        if index:
            out.append("\n")
        out.append_text(_line(line, names))
    return out


def _line(line: str, names: Names) -> Text:
    if line.startswith("> "):
        return Text("▌ ", style="dim").append_text(_line(line[2:], names))
    if line.startswith("-# "):
        return _inline(line[3:], names, Style(dim=True))
    heading = re.match(r"#{1,3} ", line)
    if heading:
        return _inline(line[heading.end() :], names, Style(bold=True))
    bullet = re.match(r"(\s*)[-*] ", line)
    if bullet:
        return Text(f"{bullet.group(1)}• ").append_text(_inline(line[bullet.end() :], names))
    return _inline(line, names)


def _inline(source: str, names: Names, base: Style | None = None) -> Text:
    out = Text(style=base or "")
    position = 0
    for match in _INLINE.finditer(source):
        out.append(source[position : match.start()])
        out.append_text(_piece(match, names))
        position = match.end()
    out.append(source[position:])
    return out


def _piece(match: re.Match[str], names: Names) -> Text:
    kind = match.lastgroup
    for wrapper, wrapper_style in _WRAPPERS.items():
        if match.group(wrapper) is not None:
            return _inline(match.group(f"{wrapper}_in"), names, wrapper_style)
    if match.group("escape") is not None:
        return Text(match.group("escaped"))
    if match.group("code") is not None:
        return Text(match.group("code_in"), style="bold magenta")
    if match.group("link") is not None:
        url = match.group("link_url")
        text = _inline(match.group("link_text"), names, Style(underline=True, color="bright_blue", link=url))
        return text.append(f" ({url})", style="dim")
    if match.group("angle") is not None:
        url = match.group("angle_url")
        return Text(url, style=Style(color="bright_blue", link=url))
    if match.group("time") is not None:
        return Text(_moment(int(match.group("unix")), match.group("time_style") or "f"), style="cyan")
    if match.group("mention") is not None:
        return Text(names(match.group("kind"), int(match.group("id"))), style="bold bright_blue")
    raise AssertionError(f"unhandled markdown piece {kind}")  # pragma: no cover - the pattern has no other group


def _moment(unix: int, style: str, now: datetime | None = None) -> str:
    """A Discord timestamp in the reader's own time zone; `R` reads like Discord's "3 minutes ago"."""
    try:
        moment = datetime.fromtimestamp(unix, UTC).astimezone()
    except (OverflowError, OSError, ValueError):
        return f"<t:{unix}>"
    if style != "R":
        return moment.strftime(_TIME_FORMATS.get(style, _TIME_FORMATS["f"]))
    return relative(moment, now or datetime.now(UTC))


def relative(moment: datetime, now: datetime) -> str:
    seconds = int((now - moment).total_seconds())
    ahead = seconds < 0
    seconds = abs(seconds)
    if seconds < 45:
        return "just now" if not ahead else "in a few seconds"
    if seconds < 90:
        return "in a minute" if ahead else "a minute ago"
    for unit, size in (("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = round(seconds / size)
            label = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {label}" if ahead else f"{label} ago"
    raise AssertionError("unreachable: 90 seconds or more is at least a minute")  # pragma: no cover
