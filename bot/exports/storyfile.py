"""A story as the story file `python -m bot seed` and `/mod import` read (bot/stories/README.md).

The file holds the claims as they stand now: the text, speaker (with every spelling of the name), role,
venue, date, attribution, verdict and rationale, and the relations between the story's claims, with the
server's other names of places and people as `[[entities]]`. What the format has no field for is kept
as TOML comments, which the loader skips, and counted in the notes: the evidence links, the claim's
number here, a date in a form the file does not take, and relations to claims of other stories.
The history is not in it (the history CSV has it). A claim without a rationale (added with /mod add
and never given a verdict) is written with its verdict's meaning, as the file requires one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.domain.claims import Alias, Story
from bot.domain.exports import ExportClaim, ExportRelation
from bot.domain.names import normalise_name
from bot.domain.text import entity_term, name_terms
from bot.domain.when import parse_when

KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped (TOML 1.0, "String")."""
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_strings(values: Iterable[str]) -> str:
    return "[" + ", ".join(toml_string(v) for v in values) + "]"


def comment(text: str) -> str:
    """One comment line: a comment may not hold a line break or other control characters."""
    return "# " + "".join(ch if ch.isprintable() else " " for ch in text)


@dataclass(slots=True)
class _Speaker:
    variants: tuple[str, ...]
    short: str


@dataclass(slots=True)
class StoryFileWriter:
    """start(), add() for each page of the story's claims (by number), then finish()."""

    story: Story
    keys: dict[int, str] = field(default_factory=dict)  # claim number -> its key in this file
    speakers: dict[str, _Speaker] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    relations: list[tuple[str, tuple[ExportRelation, ...]]] = field(default_factory=list)
    claims: int = 0
    evidence: int = 0
    no_rationale: int = 0
    odd_dates: int = 0
    outside_relations: int = 0
    skipped_aliases: int = 0

    def start(self) -> str:
        story = self.story
        return (
            "# Exported by claimbot: the story's claims as they stand. Load it with /mod import or\n"
            "# `python -m bot seed FILE`. Lines starting with # are what the format has no field for.\n"
            "\n[story]\n"
            f"slug = {toml_string(story.slug)}\n"
            f"title = {toml_string(story.title)}\n"
            f"publisher = {toml_string(story.publisher)}\n"
            f"url = {toml_string(story.url)}\n"
            f"published = {story.published.isoformat()}\n"
        )

    def _key(self, item: ExportClaim) -> str:
        key = item.seed_key if item.seed_key and KEY.match(item.seed_key) else f"claim-{item.claim.number}"
        base, n = key[:76], 2
        while key in self.used:
            key, n = f"{base}-{n}", n + 1
        self.used.add(key)
        return key

    def add(self, claims: Iterable[ExportClaim]) -> str:
        out: list[str] = []
        for item in claims:
            claim = item.claim
            key = self._key(item)
            self.keys[claim.number] = key
            self.claims += 1
            self.speakers.setdefault(claim.speaker.name, _Speaker(item.speaker_names, claim.speaker.short_name))
            lines = ["", "[[claims]]", comment(f"#{claim.number}")]
            lines += [
                f"key = {toml_string(key)}",
                f"speaker = {toml_string(claim.speaker.name)}",
                f"role = {toml_string(claim.role)}",
                f"verbatim = {'true' if claim.verbatim else 'false'}",
                f"statement = {toml_string(claim.statement)}",
                f"venue = {toml_string(claim.venue)}",
            ]
            if claim.said_when:
                try:
                    lines.append(f"when = {toml_string(parse_when(claim.said_when).text)}")
                except ValueError:
                    self.odd_dates += 1
                    lines.append(comment(f"when: {claim.said_when}"))
            lines += [
                f"attribution = {toml_string(claim.attribution.value)}",
                f"verdict = {toml_string(claim.verdict.value)}",
            ]
            rationale = claim.rationale.strip()
            if not rationale:
                self.no_rationale += 1
                rationale = claim.verdict.look.meaning
            lines.append(f"rationale = {toml_string(rationale)}")
            for evidence in claim.evidence:
                self.evidence += 1
                lines.append(comment(f"evidence: {evidence.url} {evidence.note}".rstrip()))
            out.append("\n".join(lines) + "\n")
            if item.relations:
                self.relations.append((key, item.relations))
        return "".join(out)

    def finish(self, aliases: Sequence[Alias] = ()) -> str:
        out: list[str] = []
        for name, speaker in sorted(self.speakers.items()):
            lines = ["", "[[speakers]]", f"name = {toml_string(name)}"]
            lines.append(f"variants = {toml_strings(v for v in speaker.variants if v != name)}")
            if speaker.short:
                lines.append(f"short = {toml_string(speaker.short)}")
            out.append("\n".join(lines) + "\n")
        for source, relations in self.relations:
            for relation in relations:
                target = self.keys.get(relation.target_number)
                if target is None:
                    self.outside_relations += 1
                    phrase = relation.kind.phrase(outgoing=True)
                    where = f"story {relation.target_story}" if relation.target_story else "no story"
                    out.append(
                        "\n" + comment(f"relation: {source} {phrase} #{relation.target_number} ({where})") + "\n"
                    )
                    continue
                lines = [
                    "",
                    "[[relations]]",
                    f"from = {toml_string(source)}",
                    f"kind = {toml_string(relation.kind.value)}",
                    f"to = {toml_string(target)}",
                ]
                if relation.note:
                    lines.append(f"note = {toml_string(relation.note)}")
                out.append("\n".join(lines) + "\n")
        out.append(self._entities(aliases))
        return "".join(out)

    def _entities(self, aliases: Sequence[Alias]) -> str:
        """The server's other names, grouped by entity; a name the file would refuse is left as a comment."""
        owners: dict[str, str] = {}
        grouped: dict[str, list[str]] = {}
        skipped: list[str] = []
        for alias in aliases:
            if not entity_term(alias.entity) or not name_terms(alias.name) or len(alias.name) > 100:
                skipped.append(f"{alias.entity}: {alias.name}")
                continue
            names = [normalise_name(alias.entity), normalise_name(alias.name)]
            if any(owners.get(n, alias.entity) != alias.entity for n in names):
                skipped.append(f"{alias.entity}: {alias.name}")
                continue
            for n in names:
                owners[n] = alias.entity
            grouped.setdefault(alias.entity, []).append(alias.name)
        self.skipped_aliases = len(skipped)
        out = []
        for entity, names in grouped.items():
            out.append(f"\n[[entities]]\nname = {toml_string(entity)}\naliases = {toml_strings(names)}\n")
        out += ["\n" + comment(f"entity name not expressible: {text}") + "\n" for text in skipped]
        return "".join(out)

    def notes(self) -> list[str]:
        slug = self.story.slug
        notes = [f"{slug}: {self.claims:,} claims."]
        if self.evidence:
            notes.append(f"{slug}: the story file has no field for evidence: {self.evidence:,} links are comments.")
        if self.no_rationale:
            notes.append(
                f"{slug}: {self.no_rationale:,} claims have no rationale; the file requires one, "
                "so each is written with its verdict's meaning."
            )
        if self.odd_dates:
            notes.append(f"{slug}: {self.odd_dates:,} dates are in a form the file does not take: comments.")
        if self.outside_relations:
            notes.append(f"{slug}: {self.outside_relations:,} relations to claims outside the story are comments.")
        if self.skipped_aliases:
            notes.append(f"{slug}: {self.skipped_aliases:,} other names the file would refuse are comments.")
        return notes


def render(story: Story, claims: Iterable[ExportClaim], aliases: Sequence[Alias] = ()) -> tuple[str, list[str]]:
    writer = StoryFileWriter(story)
    text = writer.start() + writer.add(claims) + writer.finish(aliases)
    return text, writer.notes()
