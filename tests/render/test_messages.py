from __future__ import annotations

from bot.domain.claims import GuildSettings
from bot.domain.states import Verdict
from bot.render.messages import settings_summary, verdict_announcement
from tests.render.helpers import NASTY, assert_safe_text, assert_valid_content, change, claim


def test_verdict_announcement_reads_as_a_headline_with_note_source_and_moderator() -> None:
    text = verdict_announcement(
        claim(verdict=Verdict.CONFIRMED),
        change(new="confirmed", note="Two sources agree.", source_url="https://example.com/a", actor="Mod Maria"),
    )

    first_line = text.split("\n")[0]
    assert first_line == "**#7 is now Confirmed** 🟢 — Two sources agree. — <https://example.com/a> — by Mod Maria"
    assert text.split("\n")[1].startswith("> **#7** Zelensky: “We know about")


def test_verdict_announcement_without_source_leaves_it_out() -> None:
    text = verdict_announcement(claim(), change(source_url=None))

    assert "<http" not in text


def test_verdict_announcement_of_nasty_text_is_safe_and_within_2000_characters() -> None:
    text = verdict_announcement(
        claim(statement=NASTY * 20, speaker_name=NASTY),
        change(note=NASTY * 10, actor=NASTY, source_url="https://example.com/" + "x" * 500),
    )

    assert_valid_content(text)
    assert_safe_text(text)


def test_attribution_change_is_announced_by_its_label() -> None:
    text = verdict_announcement(claim(), change(field="attribution", old="on_record", new="retracted"))

    assert text.startswith("**#7: attribution is now** ↩️ Retracted")


def test_settings_summary_shows_role_and_channel_as_mentions() -> None:
    text = settings_summary(GuildSettings(1, moderator_role_id=55, announce_channel_id=66))

    assert "Moderator role: <@&55>" in text
    assert "Announcements: <#66>" in text


def test_settings_summary_says_what_is_not_set() -> None:
    text = settings_summary(GuildSettings(1), warnings=[NASTY])

    assert "Moderator role: not set" in text
    assert "Announcements: off" in text
    assert_valid_content(text)
    assert "@\u200beveryone" in text
