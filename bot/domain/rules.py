"""What a change must look like before it may touch the store. Messages are written for members."""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.domain.states import Verdict

NOTE_MAX = 1_000
STATEMENT_MAX = 4_000
FIELD_MAX = 200
URL_MAX = 512


class RuleBroken(ValueError):
    """Input a member gave that we refuse; str(exc) is the sentence to show them."""


# NUL and lone surrogates (JSON can carry "\u0000" and "\ud800") are no text: PostgreSQL cannot store
# the first, neither database the second, and they show as nothing to a reader. Dropped on the way in.
_NOT_TEXT = dict.fromkeys([0, *range(0xD800, 0xE000)])


def as_text(value: str | None) -> str:
    return (value or "").translate(_NOT_TEXT)


def check_note(note: str | None) -> str:
    cleaned = as_text(note).strip()
    if not cleaned:
        raise RuleBroken("A note is required: say briefly why the verdict changes.")
    if len(cleaned) > NOTE_MAX:
        raise RuleBroken(f"The note is {len(cleaned):,} characters; keep it to {NOTE_MAX:,}.")
    return cleaned


def check_source(url: str | None) -> str | None:
    """An optional http(s) link; anything else (javascript:, bare words) is refused."""
    cleaned = as_text(url).strip()
    if not cleaned:
        return None
    if len(cleaned) > URL_MAX:
        raise RuleBroken(f"The source link is longer than {URL_MAX} characters.")
    refused = RuleBroken("The source must be a web link starting with http:// or https://.")
    try:
        parts = urlsplit(cleaned)
    except ValueError:  # "https://[" and the like: urlsplit refuses a malformed IPv6 host
        raise refused from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in cleaned:
        raise refused
    return cleaned


def check_statement(text: str | None) -> str:
    cleaned = as_text(text).strip()
    if not cleaned:
        raise RuleBroken("The statement cannot be empty.")
    if len(cleaned) > STATEMENT_MAX:
        raise RuleBroken(f"The statement is {len(cleaned):,} characters; keep it to {STATEMENT_MAX:,}.")
    return cleaned


def check_short(label: str, text: str | None, *, required: bool = False) -> str:
    cleaned = " ".join(as_text(text).split())
    if required and not cleaned:
        raise RuleBroken(f"The {label} cannot be empty.")
    if len(cleaned) > FIELD_MAX:
        raise RuleBroken(f"The {label} is {len(cleaned):,} characters; keep it to {FIELD_MAX}.")
    return cleaned


def parse_verdict(value: str) -> Verdict:
    try:
        return Verdict(value.strip().lower())
    except ValueError:
        names = ", ".join(v.value for v in Verdict)
        raise RuleBroken(f"Unknown verdict {value!r}; choose one of: {names}.") from None


def parse_claim_number(value: str) -> int | None:
    """ "7", "#7" or " # 7 " are claim 7; anything else is not a number (it may be search words)."""
    cleaned = value.strip().removeprefix("#").strip()
    if cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= 9:
        return int(cleaned)
    return None
