"""Checks every rendered message must pass, and builders for the domain objects the tests render."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import discord
from discord import app_commands

from bot.domain.claims import (
    Actor,
    Change,
    Claim,
    ClaimCard,
    ClaimSummary,
    Evidence,
    Relation,
    RelationKind,
    Speaker,
    Story,
)
from bot.domain.states import Attribution, Verdict
from bot.render import custom_ids, limits

# Everything a member could type to break a layout or fake a ping, in one string.
NASTY = (
    "**bold** __under__ *it* ~~gone~~ ||spoiler|| `code` ```block``` [click](https://evil.example/x) "
    "@everyone @here @EVERYONE <@123456789012345678> <@!123456789012345678> <@&123456789012345678> "
    "<#123456789012345678> <:pepe:123456789012345678> <t:0:R> </claim:1> \\ "
    "\u202eright-to-left\u202c \u200b@\u200beveryone \x00\x07\x1b[31m\n# heading\n> quote\n-# small\n1. list"
)

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")
_EVERYONE = re.compile(r"@(everyone|here)", re.IGNORECASE)
_MENTION = re.compile(r"<(@[!&]?|#|:|a:|t:|/)")
_ESCAPED = re.compile(r"\\.", re.DOTALL)
# Our own Discord timestamps (real dates have ten digits); NASTY's member-typed `<t:0:R>` is not one.
_OWN_TIMESTAMP = re.compile(r"<t:[0-9]{9,}:[tTdDfFR]>")

NOW = datetime(2024, 10, 17, 12, 0, tzinfo=UTC)


def assert_safe_text(text: str, *, markdown: bool = True) -> None:
    """No pings, no pills, no hidden controls; where markdown renders, no escape left dangling and our
    bold markers paired (footers and author names show text literally, so `**` there is just text)."""
    assert not _EVERYONE.search(text), f"unescaped @everyone/@here in {text!r}"
    assert not _MENTION.search(_OWN_TIMESTAMP.sub("", text)), f"live mention syntax in {text!r}"
    assert not _CONTROL.search(text), f"control or bidi character in {text!r}"
    if not markdown:
        return
    trailing = len(text) - len(text.rstrip("\\"))
    assert trailing % 2 == 0, f"dangling backslash at the end of {text!r}"
    assert _ESCAPED.sub("", text).count("**") % 2 == 0, f"unpaired ** in {text!r}"


def assert_valid_embed(embed: discord.Embed) -> None:
    """Every limit Discord enforces on one embed, and safe text in every part a reader sees."""
    assert len(embed.title or "") <= limits.EMBED_TITLE
    assert len(embed.description or "") <= limits.EMBED_DESCRIPTION
    assert len(embed.fields) <= limits.EMBED_FIELDS
    for literal in (embed.footer.text or "", embed.author.name or ""):
        assert_safe_text(literal, markdown=False)
    texts = [embed.title or "", embed.description or ""]
    for field in embed.fields:
        assert (field.name or "").strip(), "a field name may not be empty"
        assert (field.value or "").strip(), "a field value may not be empty"
        assert len(field.name) <= limits.EMBED_FIELD_NAME
        assert len(field.value) <= limits.EMBED_FIELD_VALUE
        texts += [field.name, field.value]
    assert len(embed.footer.text or "") <= limits.EMBED_FOOTER
    assert len(embed.author.name or "") <= limits.EMBED_AUTHOR
    assert limits.embed_size(embed) <= limits.EMBED_TOTAL
    assert embed.description or embed.fields or embed.title, "an embed must show something"
    if embed.colour is not None:
        assert 0 <= embed.colour.value <= 0xFFFFFF
    embed.to_dict()  # what discord.py would send
    for text in texts:
        assert_safe_text(text)


def assert_valid_view(view: discord.ui.View) -> None:
    """What Discord accepts for buttons, and ids our persistent handlers will recognise."""
    assert view.timeout is None, "buttons must keep working after a restart"
    rows = view.to_components()
    assert len(rows) <= limits.VIEW_ROWS
    ids = []
    for row in rows:
        assert len(row["components"]) <= limits.BUTTONS_PER_ROW
        for component in row["components"]:
            assert 0 < len(component.get("label", "x")) <= limits.BUTTON_LABEL
            custom_id = component["custom_id"]
            assert len(custom_id) <= limits.CUSTOM_ID
            assert any(re.fullmatch(template, custom_id) for template in custom_ids.TEMPLATES), custom_id
            ids.append(custom_id)
    assert len(ids) == len(set(ids)), "two buttons in one message may not share a custom_id"


def assert_valid_choice(choice: app_commands.Choice[str]) -> None:
    assert 1 <= len(choice.name) <= limits.CHOICE_NAME, choice.name
    assert 1 <= len(choice.value) <= limits.CHOICE_VALUE, choice.value
    assert not _CONTROL.search(choice.name)
    assert "\n" not in choice.name


def assert_valid_content(content: str) -> None:
    assert 0 < len(content) <= limits.CONTENT


def speaker(name: str = "Volodymyr Zelensky", *, speaker_id: int = 1, claims: int = 4) -> Speaker:
    return Speaker(speaker_id, name, (), claims)


def summary(
    number: int = 7,
    statement: str = "We know about 10,000 soldiers being prepared.",
    *,
    verbatim: bool = True,
    speaker_name: str = "Volodymyr Zelensky",
    speaker_short: str = "",
    verdict: Verdict = Verdict.DISPUTED,
) -> ClaimSummary:
    return ClaimSummary(number, statement, verbatim, speaker_name, verdict, speaker_short)


def claim(
    number: int = 7,
    statement: str = "We know about 10,000 soldiers being prepared.",
    *,
    verbatim: bool = True,
    speaker_name: str = "Volodymyr Zelensky",
    speaker_short: str = "",
    role: str = "President of Ukraine",
    venue: str = "Press conference in Brussels",
    said_when: str = "2024-10-17",
    verdict: Verdict = Verdict.DISPUTED,
    attribution: Attribution = Attribution.ON_RECORD,
    rationale: str = "Western intelligence has not confirmed the figure.",
    story: Story | None = None,
    evidence: tuple[Evidence, ...] = (),
) -> Claim:
    return Claim(
        id=number,
        guild_id=10,
        number=number,
        statement=statement,
        verbatim=verbatim,
        speaker=Speaker(1, speaker_name, (), 4, speaker_short),
        role=role,
        venue=venue,
        said_when=said_when,
        story=story
        if story is not None
        else Story(
            "nk-troops", "North Korean troops in Russia", "Reuters", "https://example.com/r", date(2024, 10, 17)
        ),
        attribution=attribution,
        verdict=verdict,
        rationale=rationale,
        revision=3,
        created_at=NOW - timedelta(days=2),
        updated_at=NOW,
        evidence=evidence,
    )


def change(
    number: int = 7,
    *,
    field: str = "verdict",
    old: str | None = "unverified",
    new: str = "disputed",
    note: str = "Seoul and Kyiv give different figures.",
    source_url: str | None = "https://example.com/source",
    actor: str = "Mod Maria",
    at: datetime = NOW,
    change_id: int = 1,
) -> Change:
    return Change(change_id, number, field, old, new, note, source_url, Actor(99, actor), at)


def relation(
    number: int, *, kind: RelationKind = RelationKind.CONTRADICTS, outgoing: bool = False, note: str = ""
) -> Relation:
    other = summary(number, f"Claim {number} says otherwise.", speaker_name="Mark Rutte", verdict=Verdict.UNVERIFIED)
    return Relation(kind, outgoing, other, note)


def card(
    the_claim: Claim | None = None, *, latest: Change | None = None, relations: tuple[Relation, ...] = ()
) -> ClaimCard:
    return ClaimCard(the_claim or claim(), latest if latest is not None else change(), relations)
