"""/mod import (issue 11): a story file a moderator attaches, read and checked before anything is written.

The file is the format of the shipped stories (bot/stories/README.md), as TOML or as JSON of the same
shape, and it goes through the same path as `python -m bot seed`: `seedfile.story_from_data` checks it,
`seeding.plan_seed` is the preview (a dry run of the same rules) and `seeding.seed_guild` applies it,
in one transaction, leaving alone what moderators touched. What is refused here is refused in one
line, before any of that: too large, not text, not the format, too many claims.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from bot.desk.errors import Refusal
from bot.domain.rules import as_text
from bot.seedfile import SeedError, SeedStory, story_from_data

MAX_BYTES = 1_000_000  # 1 MB
MAX_CLAIMS = 2_000
MAX_LISTED = {"speakers": 2_000, "entities": 2_000, "relations": 10_000}
ERROR_MAX = 600  # one line a member can read, whatever the file holds
FORMAT = "a story file (TOML or JSON, in the format of bot/stories/README.md)"


class ImportRefused(Refusal):
    """The file cannot be imported; str(exc) is the one line that says why. Nothing was applied."""


@dataclass(frozen=True, slots=True)
class StoryFile:
    """A checked story file and the digest of its bytes (Confirm re-reads the file and compares)."""

    name: str
    sha256: str
    seed: SeedStory


def display_name(filename: str) -> str:
    """The attachment's name, as a label only (never a path on this machine)."""
    name = PurePosixPath(" ".join(as_text(filename).split()).replace("\\", "/")).name
    return name[:100] or "the file"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_size(filename: str, size: int) -> None:
    """Before downloading: Discord tells the attachment's size."""
    if size > MAX_BYTES:
        raise ImportRefused(
            f"{display_name(filename)} is {size:,} bytes; a story file may be at most {MAX_BYTES:,} bytes (1 MB). "
            "Nothing was imported."
        )


def _parse(name: str, text: str) -> Any:
    as_json = name.lower().endswith(".json") or (not name.lower().endswith(".toml") and text.lstrip()[:1] == "{")
    try:
        return json.loads(text) if as_json else tomllib.loads(text)
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        kind = "JSON" if as_json else "TOML"
        detail = " ".join(str(exc).split())[:200]
        raise ImportRefused(f"{name} is not {FORMAT}: it does not read as {kind} ({detail}).") from None


def read_story_file(filename: str, data: bytes) -> StoryFile:
    """The file checked in full, or ImportRefused naming the claim and the field that is wrong."""
    name = display_name(filename)
    check_size(name, len(data))
    if b"\x00" in data:
        raise ImportRefused(f"{name} is not a text file; attach {FORMAT}. Nothing was imported.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(f"{name} is not UTF-8 text; attach {FORMAT}. Nothing was imported.") from None
    parsed = _parse(name, text)
    if not isinstance(parsed, dict) or not isinstance(parsed.get("story"), dict):
        raise ImportRefused(f"{name} is not {FORMAT}: it needs a [story] table and [[claims]]. Nothing was imported.")
    claims = parsed.get("claims")
    if isinstance(claims, list) and len(claims) > MAX_CLAIMS:
        raise ImportRefused(
            f"{name} has {len(claims):,} claims; a story file may hold at most {MAX_CLAIMS:,}. Nothing was imported."
        )
    for section, most in MAX_LISTED.items():
        found = parsed.get(section)
        if isinstance(found, list) and len(found) > most:
            raise ImportRefused(f"{name} has {len(found):,} {section}; at most {most:,}. Nothing was imported.")
    try:
        seed = story_from_data(parsed, Path(name))  # the name is a label in messages, never opened
    except SeedError as exc:
        line = " ".join(as_text(str(exc)).split())
        if len(line) > ERROR_MAX:
            line = line[: ERROR_MAX - 1] + "…"
        raise ImportRefused(f"{line} Nothing was imported.") from None
    return StoryFile(name, digest(data), seed)
