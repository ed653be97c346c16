"""Speakers are found however a reader spells them: any variant, any case, with or without accents."""

from __future__ import annotations

import pytest

from bot.desk import Desk, SpeakerNotFound
from tests.store.conftest import ALICE, GUILD_A, new_claim


@pytest.mark.parametrize(
    "typed", ["zelenskiy", "ZELENSKY", "Zelenskyy", "Volodymyr Zelenskiy", "  volodymyr   ZELENSKYY ", "Zelenskÿ"]
)
async def test_every_spelling_of_zelensky_finds_the_same_speaker(desk: Desk, typed: str) -> None:
    canonical = await desk.find_speaker(GUILD_A, "Volodymyr Zelensky")
    found = await desk.find_speaker(GUILD_A, typed)
    assert found.id == canonical.id
    assert found.name == "Volodymyr Zelensky"
    assert found.claim_count == 4
    assert {"Zelenskiy", "Zelenskyy", "Volodymyr Zelenskiy"} <= set(found.variants)


@pytest.mark.parametrize(("typed", "name"), [("Moscow", "Kremlin"), ("NATO", "Mark Rutte"), ("Rütte", "Mark Rutte")])
async def test_variants_name_the_body_behind_them(desk: Desk, typed: str, name: str) -> None:
    assert (await desk.find_speaker(GUILD_A, typed)).name == name


async def test_accents_are_ignored_when_finding_a_speaker(desk: Desk) -> None:
    claim = await desk.add_claim(
        GUILD_A, new_claim("Timor-Leste will mediate.", speaker="José Ramos-Horta"), note="n", actor=ALICE
    )
    for typed in ("jose ramos-horta", "JOSE RAMOS-HORTA", "José Ramos-Horta", "Jose\u0301 Ramos-Horta"):
        found = await desk.find_speaker(GUILD_A, typed)
        assert (found.id, found.name) == (claim.speaker.id, "José Ramos-Horta")
    assert [s.name for s in await desk.suggest_speakers(GUILD_A, "jose")] == ["José Ramos-Horta"]
    assert [s.name for s in await desk.suggest_speakers(GUILD_A, "ramos")] == ["José Ramos-Horta"]


async def test_a_second_claim_by_a_variant_reuses_the_speaker(desk: Desk) -> None:
    zelensky = await desk.find_speaker(GUILD_A, "Zelensky")
    claim = await desk.add_claim(
        GUILD_A, new_claim("More troops are coming.", speaker="ZELENSKIY"), note="n", actor=ALICE
    )
    assert claim.speaker.id == zelensky.id
    assert (await desk.speaker_by_id(GUILD_A, zelensky.id)).claim_count == zelensky.claim_count + 1
    page = await desk.speaker_claims(GUILD_A, zelensky.id)
    assert claim.number in [summary.number for summary in page.items]
    assert page.total == zelensky.claim_count + 1


async def test_a_prefix_finds_the_best_known_speaker(desk: Desk) -> None:
    assert (await desk.find_speaker(GUILD_A, "Volod")).name == "Volodymyr Zelensky"
    assert [s.name for s in await desk.suggest_speakers(GUILD_A, "zel")] == ["Volodymyr Zelensky"]


@pytest.mark.parametrize("typed", ["", "   ", "Nobody Atall", "%", "_", "\\", "zel%"])
async def test_unknown_or_wildcard_names_find_no_speaker(desk: Desk, typed: str) -> None:
    with pytest.raises(SpeakerNotFound):
        await desk.find_speaker(GUILD_A, typed)
