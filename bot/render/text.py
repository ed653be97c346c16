"""Making member-written text safe to show: it must read as written, never format, ping or reflow.

Claims, names and notes come from moderators and seed files and may hold markdown, mention syntax,
bidi overrides or control characters. The client sends with AllowedMentions.none(), so nothing can
ping, but a stray `**` or `<@&1>` would still *look* wrong; these helpers make the text look right.

Escape first, then clip: escaping lengthens text, so clipping the raw text would overshoot the limit.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from bot.domain.claims import MATCH_END, MATCH_START

ELLIPSIS = "…"
LINK_MAX = 600
ZWSP = "\u200b"  # our own separator for mentions, added after the member's invisible characters are removed

# C0 controls except newline and tab (tab becomes a space), DEL and C1 controls.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi overrides and isolates reorder the text *after* them, i.e. our layout, so they go. Invisible
# spacers go too: they hide mentions from naive checks and make two equal names look different.
# Zero-width (non-)joiners stay: emoji sequences and several scripts need them.
_INVISIBLE = re.compile("[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_COMBINING_RUN = 3  # more stacked marks than any script needs: "Zalgo" text that spills over other lines

# Underscores, tildes and brackets are common in links; autolinking wins over markdown inside them.
_URL = re.compile(r"https?://[^\s<>*|`\\\[\]\"]+", re.IGNORECASE)
# Characters that format anywhere; backslash first so our own escapes are not escaped again.
_INLINE_MARKDOWN = re.compile(r"([\\*_~|`\[\]])")
# Block syntax only counts at the start of a line: quotes, headings, subtext and list markers.
_LINE_START_MARKDOWN = re.compile(r"^([ \t]*)([>#+-]|\d+\.(?=\s))", re.MULTILINE)
_EVERYONE = re.compile(r"@(everyone|here)", re.IGNORECASE)
# Anything Discord turns into a pill: <@user>, <@&role>, <#channel>, <:emoji:1>, <t:1:R>, </cmd:1>, <id:home>;
# and a `<` that ends the text, which our own `: ` or `#7` after it could complete.
_ANGLE_TOKEN = re.compile(r"<(?=[@#:/]|a:|t:|id:|$)", re.IGNORECASE)
# Text with none of what clean, the markdown escapes or the mention breaking act on (no controls, line
# breaks, combining marks, markdown characters, "@" or "<": letters, digits, punctuation, Latin-1's
# precomposed letters, typographic quotes and dashes, a snippet's ellipsis), for which escaping is a
# line-start marker at most.
_PLAIN = re.compile(r"[A-Za-z0-9 ,.;:!?'\"%$&()=/#+>\-\u00c0-\u00ff…“”‘’–—«»]*")
_MARKERS = re.compile(f"([{MATCH_START}{MATCH_END}])")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029]")
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACES = re.compile(r"[ ]+\n")
_SPACES = re.compile(r"\s+")
# Characters that would end or confuse a link inside markdown; percent-encoding keeps it the same link.
_URL_UNSAFE = re.compile(r"[\s()\[\]<>*|`\\\"]")


def clean(text: str, *, inline: bool = False) -> str:
    """Remove what no reader can see but the layout feels: controls, bidi overrides, mark floods."""
    # Every line break becomes "\n", so line-start escaping sees every line the client will draw.
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    text = _INVISIBLE.sub("", _CONTROLS.sub("", text))
    text = _limit_combining(text)
    if inline:
        return _SPACES.sub(" ", text).strip()
    text = _TRAILING_SPACES.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def _limit_combining(text: str) -> str:
    if text.isascii():  # no combining marks: skip the per-character loop, the hot path of every list
        return text
    kept: list[str] = []
    run = 0
    for char in text:
        run = run + 1 if unicodedata.combining(char) else 0
        if run <= _COMBINING_RUN:
            kept.append(char)
    return "".join(kept)


def neutralise_mentions(text: str) -> str:
    """Break mention syntax with a zero-width space so it shows as typed and can never resolve."""
    text = _EVERYONE.sub(lambda m: f"@{ZWSP}{m.group(1)}", text)
    return _ANGLE_TOKEN.sub(f"<{ZWSP}", text)


def escape(text: str, *, inline: bool = False) -> str:
    """Text for places Discord renders markdown: embed titles, descriptions, fields, message content.

    Links stay as they are (a backslash inside one would break it); everything else that could
    format is backslash-escaped, which the client hides again. `inline` folds newlines into spaces for
    list lines and labels, where a member's line breaks would tear the layout apart.
    """
    if _PLAIN.fullmatch(text):  # most statements and names: the same result without the passes below
        text = " ".join(text.split()) if inline else text.strip()
        return _LINE_START_MARKDOWN.sub(_escape_line_start, text)
    return _escaped(text, inline=inline)


def _escaped(text: str, *, inline: bool) -> str:
    text = clean(text, inline=inline)
    pieces: list[str] = []
    start = 0
    for url in _URL.finditer(text):
        pieces.append(_escape_markdown(text[start : url.start()], line_start=start == 0 or text[start - 1] == "\n"))
        pieces.append(_defuse_url(url.group()))
        start = url.end()
    pieces.append(_escape_markdown(text[start:], line_start=start == 0 or text[start - 1] == "\n"))
    return neutralise_mentions("".join(pieces))


def _defuse_url(url: str) -> str:
    """`@everyone` inside a link: percent-encoded, since a zero-width space would break the link."""
    return _EVERYONE.sub(lambda m: f"%40{m.group(1)}", url)


def _escape_markdown(text: str, *, line_start: bool) -> str:
    text = _INLINE_MARKDOWN.sub(r"\\\1", text)
    if line_start:
        return _LINE_START_MARKDOWN.sub(_escape_line_start, text)
    # Only the lines after the first begin a line; the first continues a link.
    head, newline, rest = text.partition("\n")
    return head + newline + _LINE_START_MARKDOWN.sub(_escape_line_start, rest) if newline else text


def _escape_line_start(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker[-1] == ".":  # "1." becomes "1\." so it is not a numbered list
        return f"{indent}{marker[:-1]}\\."
    return f"{indent}\\{marker}"


def plain(text: str) -> str:
    """Text for places Discord shows literally (footers, author, button labels, choice names).

    Escaping there would show the backslashes, so only cleaning and mention-breaking apply.
    """
    return neutralise_mentions(clean(text, inline=True))


def clip(text: str, limit: int) -> str:
    """Shorten already-escaped text to at most `limit` characters, on a word boundary, ending in "…".

    A cut is never left between a backslash and the character it escapes: a lone trailing backslash
    would escape the ellipsis or the markdown we add after the text.
    """
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit] if limit > 0 else ""
    cut = text[: limit - len(ELLIPSIS)]
    ends_a_word = text[len(cut)].isspace()
    boundary = max(cut.rfind(" "), cut.rfind("\n"))
    if not ends_a_word and boundary >= len(cut) * 0.6:  # near the end; otherwise one long word is cut
        cut = cut[:boundary]
    cut = cut.rstrip()
    trailing = len(cut) - len(cut.rstrip("\\"))
    if trailing % 2:
        cut = cut[:-1]
    return cut + ELLIPSIS


def fit(text: str, limit: int, *, inline: bool = False) -> str:
    """Escaped and clipped: the usual way member text goes into a markdown slot."""
    return clip(escape(text, inline=inline), limit)


def fit_plain(text: str, limit: int) -> str:
    return clip(plain(text), limit)


def highlight(snippet: str, limit: int | None = None) -> str:
    """A search snippet with its matched words in bold, escaped piece by piece, within `limit`.

    The markers are control characters, so they are split off before escaping; the statement's own
    markdown is escaped and so can never open or close our bold. Clipping works on the pieces, so a
    cut never leaves a `**` without its pair.
    """
    pieces: list[str] = []
    used = 0
    for text, matched in _segments(snippet):
        lead = " " if text[:1].isspace() else ""
        trail = " " if text[-1:].isspace() else ""
        core = escape(text, inline=True)
        wrap = "**" if matched and core else ""
        piece = f"{lead}{wrap}{core}{wrap}{trail}"
        if limit is None or used + len(piece) <= limit:
            pieces.append(piece)
            used += len(piece)
            continue
        room = limit - used - len(lead) - 2 * len(wrap)
        if room > 2 * len(ELLIPSIS) and core:
            pieces.append(f"{lead}{wrap}{clip(core, room)}{wrap}")
        else:
            while pieces and len("".join(pieces).rstrip()) + len(ELLIPSIS) > limit:
                pieces.pop()
            pieces = ["".join(pieces).rstrip() + ELLIPSIS] if limit >= len(ELLIPSIS) else []
        break
    return _SPACES.sub(" ", "".join(pieces)).strip()


def _segments(snippet: str) -> list[tuple[str, bool]]:
    """Split on the match markers; an unclosed match runs to the end, a stray end marker is dropped."""
    parts = _MARKERS.split(snippet)  # text, marker, text, marker, ..., text
    segments = [(parts[0], False)]
    for at in range(1, len(parts), 2):
        segments.append((parts[at + 1], parts[at] == MATCH_START))
    return [(text, matched) for text, matched in segments if text]


def safe_url(url: str | None) -> str | None:
    """An http(s) link that cannot end a markdown link early, or None for anything else.

    Links longer than LINK_MAX are refused rather than cut: a cut link leads somewhere else.
    """
    if not url:
        return None
    url = clean(url, inline=True)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    encoded = _defuse_url(_URL_UNSAFE.sub(lambda m: "".join(f"%{byte:02X}" for byte in m.group().encode()), url))
    return encoded if len(encoded) <= LINK_MAX else None


def link(label: str, url: str | None, label_limit: int) -> str:
    """A masked link `[label](url)`, or the escaped label alone when the url is not a usable link.

    The label is clipped to `label_limit`; the url is never cut, so the result is up to
    `label_limit + LINK_MAX + 4` characters long.
    """
    text = fit(label, label_limit, inline=True)
    target = safe_url(url)
    if target is None or not text:
        return text
    return f"[{text}]({target})"
