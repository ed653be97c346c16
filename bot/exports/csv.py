"""CSV exports: the claims as they stand, and (a second file) their whole history.

RFC 4180: a header row, CRLF line ends, fields with commas, quotes or line breaks quoted. UTF-8 with a
byte order mark, which is what makes Excel read the file as UTF-8 (without it, accents break).
A cell a spreadsheet would run as a formula (beginning with = + - @, a tab or a carriage return) gets a
leading apostrophe: a claim's text is member text, and `=HYPERLINK(...)` must stay text (OWASP's
"CSV Injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from bot.domain.exports import ExportClaim

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CLAIM_HEADER = (
    "number",
    "statement",
    "quote_or_paraphrase",
    "speaker",
    "speaker_other_names",
    "role",
    "venue",
    "said_when",
    "story",
    "story_title",
    "story_url",
    "attribution",
    "verdict",
    "rationale",
    "evidence",
    "relations",
    "seed_key",
    "revision",
    "created_at",
    "updated_at",
)
HISTORY_HEADER = (
    "claim_number",
    "change_id",
    "at",
    "field",
    "old_value",
    "new_value",
    "note",
    "source_url",
    "actor_id",
    "actor_name",
)


def safe_cell(value: object) -> object:
    """Text a spreadsheet would evaluate is given a leading apostrophe; numbers pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def utc(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _lines(rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()


def claim_row(item: ExportClaim) -> tuple[object, ...]:
    claim = item.claim
    story = claim.story
    evidence = "\n".join(f"{e.url} {e.note}".strip() for e in claim.evidence)
    relations = "; ".join(
        f"{r.kind.phrase(outgoing=True)} #{r.target_number}" + (f" ({r.note})" if r.note else "")
        for r in item.relations
    )
    return (
        claim.number,
        claim.statement,
        "quote" if claim.verbatim else "paraphrase",
        claim.speaker.name,
        "; ".join(item.speaker_names),
        claim.role,
        claim.venue,
        claim.said_when,
        story.slug if story else "",
        story.title if story else "",
        story.url if story else "",
        claim.attribution.value,
        claim.verdict.value,
        claim.rationale,
        evidence,
        relations,
        item.seed_key or "",
        claim.revision,
        utc(claim.created_at),
        utc(claim.updated_at),
    )


def claims_header() -> str:
    return BOM + _lines([CLAIM_HEADER])


def claims_rows(claims: Iterable[ExportClaim]) -> str:
    return _lines(claim_row(item) for item in claims)


def history_header() -> str:
    return BOM + _lines([HISTORY_HEADER])


def history_rows(claims: Iterable[ExportClaim]) -> str:
    return _lines(
        (
            change.claim_number,
            change.id,
            utc(change.at),
            change.field,
            change.old_value if change.old_value is not None else "",
            change.new_value,
            change.note,
            change.source_url or "",
            change.actor.id,
            change.actor.name,
        )
        for item in claims
        for change in item.history
    )


def render(claims: Sequence[ExportClaim]) -> tuple[str, str]:
    """Both files at once (for tests and small exports)."""
    return claims_header() + claims_rows(claims), history_header() + history_rows(claims)
