"""/mod import's rules on both databases (issue 11): a file is checked before anything is written, the
preview is a dry run of seeding's rules, and Confirm applies exactly what was previewed, in one
transaction, with a history row per claim, or nothing."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from bot.desk import Desk
from bot.desk.importing import MAX_BYTES, ImportRefused, read_story_file
from bot.desk.seeding import PlanChanged
from bot.domain.states import Verdict
from tests.store.conftest import ALICE, BOB, GUILD_A, GUILD_B, SEEDED_CLAIMS, SHIPPED_STORY, rewrite_claim, scalar

SHIPPED_TEXT = SHIPPED_STORY.read_text(encoding="utf-8")
EXTRA_CLAIM = (
    '\n[[claims]]\nkey = "added-later"\nspeaker = "Kurt Campbell"\nverbatim = false\n'
    'statement = "A claim the file gained later."\nattribution = "on_record"\n'
    'verdict = "unverified"\nrationale = "Added in a later edition."\n'
)


def as_json(toml_text: str) -> bytes:
    return json.dumps(tomllib.loads(toml_text), default=str).encode()


def later_edition() -> str:
    text = rewrite_claim(
        SHIPPED_TEXT, "campbell-personnel-being-evaluated", "are still being evaluated.", "are being evaluated."
    )
    text = rewrite_claim(text, "white-paper-1-28-million", 'verdict = "unverified"', 'verdict = "confirmed"')
    text = rewrite_claim(text, "rutte-no-evidence", "involved in the fight.", "involved in the fighting.")
    return text + EXTRA_CLAIM


def many_claims(count: int) -> str:
    story = '[story]\nslug = "big"\ntitle = "Big"\npublisher = "P"\npublished = 2025-01-01\n'
    claims = "".join(
        f'[[claims]]\nkey = "c{n}"\nspeaker = "S"\nverbatim = false\nstatement = "Claim {n}."\n'
        'attribution = "on_record"\nverdict = "unverified"\nrationale = "r"\n'
        for n in range(count)
    )
    return story + claims


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("big.toml", b"#" * (MAX_BYTES + 1), "is 1,000,001 bytes; a story file may be at most 1,000,000 bytes (1 MB)"),
        ("photo.toml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a text file"),
        ("latin.toml", "title = 'Caf\xe9'".encode("latin-1"), "is not UTF-8 text"),
        ("story.toml", b"[story\ntitle = ", "does not read as TOML"),
        ("story.json", b'{"story": ', "does not read as JSON"),
        ("story.json", b"[1, 2, 3]", "it needs a [story] table"),
        ("story.toml", b'title = "no story table"\n', "it needs a [story] table"),
        ("deep.json", b"[" * 100_000, "does not read as JSON"),
        ("many.toml", many_claims(2_001).encode(), "has 2,001 claims; a story file may hold at most 2,000"),
    ],
)
def test_a_file_that_is_not_a_story_file_is_refused_in_one_line(name: str, data: bytes, message: str) -> None:
    with pytest.raises(ImportRefused) as refused:
        read_story_file(name, data)
    line = str(refused.value)
    assert message in line
    assert "\n" not in line
    assert line.endswith("Nothing was imported.") or "does not read as" in line


def test_an_invalid_claim_is_named_with_its_field() -> None:
    text = rewrite_claim(SHIPPED_TEXT, "rutte-no-evidence", 'verdict = "unverified"', 'verdict = "probably"')
    with pytest.raises(ImportRefused, match=r"claim \d+ \(rutte-no-evidence\), field verdict: Input should be"):
        read_story_file("edition.toml", text.encode())
    data = tomllib.loads(SHIPPED_TEXT)
    data["claims"][2]["statement"] = ""
    with pytest.raises(ImportRefused, match=r"^edition.json: claim 3 \(.+\), field statement: "):
        read_story_file("../../etc/edition.json", json.dumps(data, default=str).encode())


def test_2000_claims_is_within_bounds_and_json_reads_as_toml_does() -> None:
    assert len(read_story_file("many.toml", many_claims(2_000).encode()).seed.claims) == 2_000
    from_toml = read_story_file("s.toml", SHIPPED_TEXT.encode()).seed
    from_json = read_story_file("s.json", as_json(SHIPPED_TEXT)).seed
    assert [c.fingerprint for c in from_json.claims] == [c.fingerprint for c in from_toml.claims]


async def test_the_preview_says_what_would_be_added_updated_and_left_alone(desk: Desk, db_path: Path) -> None:
    rutte = int(scalar(db_path, "SELECT number FROM claims WHERE seed_key = 'rutte-no-evidence'"))  # type: ignore[arg-type]
    await desk.set_verdict(GUILD_A, rutte, Verdict.CONFIRMED, note="NATO said so.", source_url=None, actor=ALICE)
    seed = read_story_file("edition.toml", later_edition().encode()).seed
    before = scalar(db_path, "SELECT count(*) FROM history")

    plan = await desk.preview_import(GUILD_A, seed)

    assert plan.added == ("added-later",)
    assert set(plan.updated) == {"campbell-personnel-being-evaluated", "white-paper-1-28-million"}
    assert plan.kept == ("rutte-no-evidence",)
    assert plan.unchanged == SEEDED_CLAIMS - 3
    assert not plan.story_is_new
    assert scalar(db_path, "SELECT count(*) FROM history") == before  # a dry run

    report = await desk.import_story(GUILD_A, seed, expected=plan, actor=BOB)

    assert (report.added, report.updated, report.kept) == (1, 2, 1)
    rows = scalar(db_path, "SELECT count(*) FROM history WHERE actor_id = ?", (BOB.id,))
    assert rows == 3  # one per claim added or updated: the new claim, a statement, a verdict
    added = await desk.claim(GUILD_A, SEEDED_CLAIMS + 1)
    assert added.statement == "A claim the file gained later."
    assert (await desk.claim(GUILD_A, rutte)).verdict is Verdict.CONFIRMED
    # The same file again: nothing left to do; an imported claim still follows a later edition of its file.
    again = await desk.preview_import(GUILD_A, seed)
    assert (again.added, again.updated, again.kept) == ((), (), ("rutte-no-evidence",))


async def test_confirm_refuses_when_a_claim_changed_after_the_preview(desk: Desk, db_path: Path) -> None:
    seed = read_story_file("edition.toml", later_edition().encode()).seed
    plan = await desk.preview_import(GUILD_A, seed)
    campbell = int(
        scalar(db_path, "SELECT number FROM claims WHERE seed_key = 'campbell-personnel-being-evaluated'")  # type: ignore[arg-type]
    )
    await desk.set_verdict(GUILD_A, campbell, Verdict.FALSE, note="Moderator's call.", source_url=None, actor=ALICE)
    before = (scalar(db_path, "SELECT count(*) FROM history"), scalar(db_path, "SELECT count(*) FROM claims"))

    with pytest.raises(PlanChanged, match="nothing was imported"):
        await desk.import_story(GUILD_A, seed, expected=plan, actor=BOB)

    after = (scalar(db_path, "SELECT count(*) FROM history"), scalar(db_path, "SELECT count(*) FROM claims"))
    assert after == before
    assert (await desk.claim(GUILD_A, campbell)).verdict is Verdict.FALSE


async def test_a_new_story_is_imported_whole_in_its_server_only(desk: Desk, db_path: Path) -> None:
    await desk.ensure_guild(GUILD_B)
    seed = read_story_file("big.toml", many_claims(50).encode()).seed
    plan = await desk.preview_import(GUILD_A, seed)
    assert plan.story_is_new
    assert len(plan.added) == 50
    await desk.import_story(GUILD_A, seed, expected=plan, actor=BOB)
    (overview, _shipped) = await desk.stories(GUILD_A)
    assert overview.record.slug == "big"
    assert overview.total == 50
    assert len(await desk.stories(GUILD_B)) == 1
    assert scalar(db_path, "SELECT count(*) FROM claims WHERE guild_id = ?", (GUILD_B,)) == SEEDED_CLAIMS
    # Importing the same file again would add nothing, so a Confirm of the old preview is refused.
    with pytest.raises(PlanChanged):
        await desk.import_story(GUILD_A, seed, expected=plan, actor=BOB)
