"""CSV: RFC 4180 with a header, UTF-8 with a BOM, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from bot.domain.claims import Evidence, RelationKind
from bot.domain.exports import ExportRelation
from bot.domain.states import Verdict
from bot.exports import csv as export_csv
from tests.exports.helpers import item, with_claim


def read(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_claims_file_has_a_header_and_one_row_per_claim_as_it_stands() -> None:
    source = item(
        7,
        verdict=Verdict.MISLEADING,
        evidence=(Evidence("https://a.example/1", "Imagery"), Evidence("https://b.example/2", "")),
        relations=(ExportRelation(RelationKind.CONTRADICTS, 3, None, "Rutte: no evidence"),),
        seed_key="zelensky-we-know-10000",
    )
    claims, _history = export_csv.render([source])
    (row,) = read(claims)
    assert list(row) == list(export_csv.CLAIM_HEADER)
    assert row["number"] == "7"
    assert row["statement"] == source.claim.statement
    assert row["quote_or_paraphrase"] == "quote"
    assert row["speaker"] == "Volodymyr Zelensky"
    assert row["speaker_other_names"] == "Zelenskiy; Zelensky"
    assert row["verdict"] == "misleading"
    assert row["attribution"] == "on_record"
    assert row["story"] == "north-korea-troops-2024-10-17"
    assert row["evidence"] == "https://a.example/1 Imagery\nhttps://b.example/2"
    assert row["relations"] == "contradicts #3 (Rutte: no evidence)"
    assert row["seed_key"] == "zelensky-we-know-10000"
    assert row["updated_at"] == "2024-10-20T09:30:00Z"


def test_history_is_a_second_file_with_every_change() -> None:
    _claims, history = export_csv.render([item(1, verdict=Verdict.FALSE), item(2, verdict=Verdict.UNVERIFIED)])
    rows = read(history)
    assert list(rows[0]) == list(export_csv.HISTORY_HEADER)
    assert [(r["claim_number"], r["old_value"], r["new_value"]) for r in rows] == [
        ("1", "", "unverified"),
        ("1", "unverified", "false"),
        ("2", "", "unverified"),
    ]
    assert rows[1]["actor_name"] == "Mod Mary"
    assert rows[1]["actor_id"] == "111111111111111111"


def test_rfc4180_crlf_lines_and_quoted_commas_quotes_and_line_breaks() -> None:
    statement = 'He said "no", then\nyes; and, later, maybe'
    claims, _ = export_csv.render([with_claim(item(), statement=statement)])
    body = claims.removeprefix("\ufeff")
    assert body.count("\r\n") == 2  # header and the row end; the line break inside is quoted
    assert '"He said ""no"", then\nyes; and, later, maybe"' in body
    assert read(claims)[0]["statement"] == statement


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_a_spreadsheet_would_evaluate_get_a_leading_apostrophe(start: str) -> None:
    formula = f'{start}HYPERLINK("https://evil.example","click")'
    source = with_claim(item(), statement=formula, rationale=formula, role=formula, venue=formula)
    claims, history = export_csv.render([source])
    (row,) = read(claims)
    for column in ("statement", "rationale", "role", "venue"):
        assert row[column] == "'" + formula
    assert all(not cell.startswith(export_csv.FORMULA_STARTS) for cell in row.values())
    for change in read(history):
        assert all(not cell.startswith(export_csv.FORMULA_STARTS) for cell in change.values())


def test_harmless_text_and_numbers_are_written_as_they_are() -> None:
    (row,) = read(export_csv.render([with_claim(item(), statement="10,000 troops — 'maybe'")])[0])
    assert row["statement"] == "10,000 troops — 'maybe'"
    assert row["number"] == "1"


def test_utf8_with_bom_so_spreadsheets_read_accents() -> None:
    claims, _ = export_csv.render([with_claim(item(), statement="Зеленський: «Ми знаємо» — Pyongyang’s")])
    raw = claims.encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "Зеленський" in raw.decode("utf-8-sig")


def test_pages_append_rows_under_one_header() -> None:
    text = export_csv.claims_header() + export_csv.claims_rows([item(1)]) + export_csv.claims_rows([item(2)])
    assert [r["number"] for r in read(text)] == ["1", "2"]
