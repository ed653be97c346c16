"""Reading typed lines: quotes, the positional shorthand, typed values, and Discord markdown."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text

from localdiscord.world import Channel, Guild, Role
from sandbox.commands import InputError, LocalFile, chat_commands, parse_slash, quote, tokenize
from sandbox.markdown import discord_text

CLAIM: dict[str, Any] = {
    "name": "claim",
    "type": 1,
    "options": [{"name": "claim", "type": 3, "required": True, "autocomplete": True}],
}
MOD: dict[str, Any] = {
    "name": "mod",
    "type": 1,
    "options": [
        {
            "name": "status",
            "type": 1,
            "options": [
                {"name": "claim", "type": 3, "required": True},
                {
                    "name": "verdict",
                    "type": 3,
                    "required": True,
                    "choices": [{"name": "🟢 Confirmed", "value": "confirmed"}],
                },
                {"name": "note", "type": 3, "required": True},
            ],
        },
        {
            "name": "config",
            "type": 1,
            "options": [{"name": "announce_channel", "type": 7}, {"name": "role", "type": 8}],
        },
    ],
}
COMMANDS = chat_commands([CLAIM, MOD])


@pytest.fixture
def guild() -> Guild:
    guild = Guild(id=1, name="Newsroom", owner_id=2)
    guild.channels[10] = Channel(id=10, guild_id=1, name="fact-checks")
    guild.roles[1] = Role(id=1, guild_id=1, name="@everyone")
    guild.roles[20] = Role(id=20, guild_id=1, name="Mods")
    return guild


def test_quotes_keep_spaces_and_apostrophes_stay_letters() -> None:
    words = [t.value for t in tokenize('/mod status claim:2 note:"Seen in satellite imagery" Russia\'s "a \\"b\\""')]
    assert words == ["/mod", "status", "claim:2", "note:Seen in satellite imagery", "Russia's", 'a "b"']
    assert tokenize('/claim "troo')[-1].unclosed


def test_quote_round_trips() -> None:
    for value in ["plain", "two words", 'say "hi"', ""]:
        assert tokenize("x " + quote(value))[-1].value == value


def test_plain_words_fill_the_first_required_option(guild: Guild) -> None:
    assert parse_slash("/claim 10,000 troops", COMMANDS, guild).options == {"claim": "10,000 troops"}
    assert parse_slash("/claim claim:#2", COMMANDS, guild).options == {"claim": "#2"}


def test_choices_channels_and_roles_become_what_the_driver_sends(guild: Guild) -> None:
    call = parse_slash('/mod status claim:1 verdict:"🟢 confirmed" note:x', COMMANDS, guild)
    assert call.path == ("status",)
    assert call.options["verdict"] == "confirmed"
    config = parse_slash("/mod config announce_channel:#fact-checks role:@Mods", COMMANDS, guild)
    assert config.options["announce_channel"] is guild.channels[10]
    assert config.options["role"] is guild.roles[20]


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("/nope", "There is no /nope command"),
        ("/mod", "/mod needs one of: status, config"),
        ("/mod stat", "/mod has no 'stat'"),
        ("/mod status claim:1 note:x", "needs verdict"),
        ("/mod status claim:1 verdict:maybe note:x", "not one of the choices"),
        ("/mod config announce_channel:#nowhere", "there is no channel"),
        ("/mod config stray", "Not sure what 'stray' is for"),
        ("/claim claim:10,000 troops", 'A value of more than one word goes in quotes: claim:"10,000 troops"'),
        ('/claim "troops', "A quote is not closed"),
    ],
)
def test_mistakes_say_how_to_fix_them(guild: Guild, line: str, says: str) -> None:
    with pytest.raises(InputError, match=None) as caught:
        parse_slash(line, COMMANDS, guild)
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)


def test_discord_markdown_keeps_line_breaks_and_resolves_mentions() -> None:
    text = discord_text("**bold** and *it* <#10>\n> quoted [link](https://example.org)", lambda kind, i: f"#chan{i}")
    assert isinstance(text, Text)
    assert text.plain == "bold and it #chan10\n▌ quoted link (https://example.org)"
    assert discord_text("snake_case_name stays").plain == "snake_case_name stays"


IMPORT: dict[str, Any] = {
    "name": "import",
    "type": 1,
    "options": [{"name": "file", "type": 11, "required": True}],
}


def test_a_file_option_reads_the_file_named_on_this_machine(guild: Guild, tmp_path: Any) -> None:
    story = tmp_path / "story.toml"
    story.write_bytes(b'title = "A story"\n')
    call = parse_slash(f"/import file:{story}", chat_commands([IMPORT]), guild)
    assert call.options["file"] == LocalFile("story.toml", b'title = "A story"\n')


def test_a_file_that_cannot_be_read_is_one_line(guild: Guild, tmp_path: Any) -> None:
    with pytest.raises(InputError, match=r"cannot read '.*missing\.toml'"):
        parse_slash(f"/import file:{tmp_path / 'missing.toml'}", chat_commands([IMPORT]), guild)
    with pytest.raises(InputError, match="is a folder"):
        parse_slash(f"/import file:{tmp_path}", chat_commands([IMPORT]), guild)
