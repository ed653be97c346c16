"""Seed stories (bot/stories/*.toml), validated so that a mistake names its file, claim and field."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.domain.claims import NewClaim, RelationKind, Story
from bot.domain.names import normalise_name
from bot.domain.rules import RuleBroken, check_short, check_statement
from bot.domain.states import Attribution, Verdict
from bot.domain.text import entity_term, name_terms
from bot.domain.when import parse_when

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

# The shipped stories are package data (pyproject's [tool.setuptools.package-data]), so they sit beside this
# module in a checkout, an editable install and a wheel alike.
STORIES_DIR = Path(__file__).resolve().parent / "stories"


class SeedError(Exception):
    """A seed file is unreadable or invalid; the message names the file, the claim and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class StoryModel(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")
    title: str = Field(min_length=1, max_length=256)
    publisher: str = Field(min_length=1, max_length=200)
    url: str = ""
    published: date

    @field_validator("url")
    @classmethod
    def _http_or_empty(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be empty or an http(s) URL")
        return value


class SpeakerModel(_Strict):
    name: str = Field(min_length=1, max_length=200)
    variants: list[str] = []
    short: str = Field(default="", max_length=30)  # when the last name is not how lists should say it


class EntityModel(_Strict):
    name: str = Field(min_length=1, max_length=100)
    aliases: list[str] = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _has_words(cls, value: str) -> str:
        if not entity_term(value):
            raise ValueError("must have a word in it")
        return value

    @field_validator("aliases")
    @classmethod
    def _names(cls, value: list[str]) -> list[str]:
        for name in value:
            if not 0 < len(name) <= 100 or not name_terms(name):
                raise ValueError(f"{name!r}: every alias needs a word in it, at most 100 characters")
        return value


class ClaimModel(_Strict):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")
    speaker: str = Field(min_length=1)
    role: str = ""
    verbatim: bool
    statement: str
    venue: str = ""
    when: str = ""
    attribution: Attribution
    verdict: Verdict
    rationale: str = Field(min_length=1, max_length=1_000)

    @field_validator("statement")
    @classmethod
    def _statement(cls, value: str) -> str:
        try:
            return check_statement(value)
        except RuleBroken as exc:
            raise ValueError(str(exc)) from None

    @field_validator("role", "venue")
    @classmethod
    def _short(cls, value: str) -> str:
        try:
            return check_short("text", value)
        except RuleBroken as exc:
            raise ValueError(str(exc)) from None

    @field_validator("when")
    @classmethod
    def _when(cls, value: str) -> str:
        return parse_when(value).text if value else ""


class RelationModel(_Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    source: str = Field(alias="from")
    kind: RelationKind
    target: str = Field(alias="to")
    note: str = ""


class StoryFileModel(_Strict):
    story: StoryModel
    speakers: list[SpeakerModel] = []
    entities: list[EntityModel] = []
    claims: list[ClaimModel] = Field(min_length=1)
    relations: list[RelationModel] = []

    @model_validator(mode="after")
    def _references_resolve(self) -> StoryFileModel:
        known_speakers = {s.name for s in self.speakers}
        keys: set[str] = set()
        for index, claim in enumerate(self.claims):
            if claim.key in keys:
                raise ValueError(f"claim {index + 1} ({claim.key}), field key: used twice")
            keys.add(claim.key)
            if self.speakers and claim.speaker not in known_speakers:
                raise ValueError(
                    f"claim {index + 1} ({claim.key}), field speaker: {claim.speaker!r} is not in [[speakers]]"
                )
        for index, relation in enumerate(self.relations):
            for side in ("source", "target"):
                key = getattr(relation, side)
                if key not in keys:
                    label = "from" if side == "source" else "to"
                    raise ValueError(f"relation {index + 1}, field {label}: no claim has key {key!r}")
        names: dict[str, str] = {}
        for index, entity in enumerate(self.entities):
            for name in (entity.name, *entity.aliases):
                taken = names.setdefault(normalise_name(name), entity.name)
                if taken != entity.name:
                    raise ValueError(f"entity {index + 1} ({entity.name}), field aliases: {name!r} is {taken}'s")
        return self


@dataclass(frozen=True, slots=True)
class SeedClaim:
    key: str
    claim: NewClaim
    fingerprint: str  # changes when the seed file's text for this claim changes

    @property
    def history_note(self) -> str:
        """The note on the claim's first history row; the rationale itself is on the card already."""
        story = self.claim.story
        when = f" ({story.published.isoformat()})" if story else ""
        return f"Initial verdict, as of the story{when}."


@dataclass(frozen=True, slots=True)
class SeedRelation:
    source: str
    kind: RelationKind
    target: str
    note: str


@dataclass(frozen=True, slots=True)
class SeedStory:
    story: Story
    claims: tuple[SeedClaim, ...]
    relations: tuple[SeedRelation, ...]
    path: Path
    aliases: tuple[tuple[str, str], ...] = ()  # (entity, another name of it)


def _describe(error: ErrorDetails, data: dict[str, Any]) -> str:
    """Where the error is, counted from 1 the way a person counts [[claims]] blocks, then what is wrong.

    Cross-reference errors (duplicate keys, unknown keys) come from the model validator with an empty
    location and already say where they are, in the same words.
    """
    loc = list(error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    if not loc:
        return message
    where = ".".join(str(part) for part in loc)
    if len(loc) >= 2 and loc[0] == "claims" and isinstance(loc[1], int):
        try:
            key = data["claims"][loc[1]].get("key", "?")
        except (IndexError, AttributeError, KeyError):
            key = "?"
        rest = ".".join(str(part) for part in loc[2:]) or "claim"
        where = f"claim {loc[1] + 1} ({key}), field {rest}"
    elif len(loc) >= 2 and loc[0] == "relations" and isinstance(loc[1], int):
        where = f"relation {loc[1] + 1}, field {'.'.join(str(part) for part in loc[2:]) or 'relation'}"
    return f"{where}: {message}"


def load_story(path: Path) -> SeedStory:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SeedError(f"{path}: cannot read: {exc}") from None
    return story_from_data(data, path)


def story_from_data(data: dict[str, Any], path: Path) -> SeedStory:
    """A story file's parsed contents (from TOML, or JSON of the same shape: /mod import takes both),
    validated; a SeedError names `path`, the claim and the field."""
    try:
        model = StoryFileModel.model_validate(data)
    except ValidationError as exc:
        raise SeedError(f"{path}: {_describe(exc.errors()[0], data)}") from None

    variants = {s.name: tuple(s.variants) for s in model.speakers}
    shorts = {s.name: s.short for s in model.speakers}
    story = Story(
        slug=model.story.slug,
        title=model.story.title,
        publisher=model.story.publisher,
        url=model.story.url,
        published=model.story.published,
    )
    claims = tuple(
        SeedClaim(
            key=c.key,
            claim=NewClaim(
                statement=c.statement,
                verbatim=c.verbatim,
                speaker=c.speaker,
                role=c.role,
                venue=c.venue,
                said_when=c.when,
                story=story,
                attribution=c.attribution,
                verdict=c.verdict,
                rationale=c.rationale,
                speaker_variants=variants.get(c.speaker, ()),
                speaker_short=shorts.get(c.speaker, ""),
            ),
            fingerprint=hashlib.sha256(
                json.dumps(c.model_dump(mode="json"), sort_keys=True).encode()
                + json.dumps(model.story.model_dump(mode="json"), sort_keys=True).encode()
            ).hexdigest()[:16],
        )
        for c in model.claims
    )
    relations = tuple(SeedRelation(r.source, r.kind, r.target, r.note) for r in model.relations)
    aliases = tuple((e.name, name) for e in model.entities for name in e.aliases)
    return SeedStory(story=story, claims=claims, relations=relations, path=path, aliases=aliases)


def load_stories(directory: Path = STORIES_DIR) -> list[SeedStory]:
    """Every story file in `directory`; none at all means a broken install or a wrong folder, never "seed nothing"."""
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise SeedError(f"no seed stories (*.toml) in {directory}; they ship with the bot package: reinstall claimbot")
    return [load_story(path) for path in paths]
