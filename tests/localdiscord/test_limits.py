"""The limit checks as pure functions, and the fixture's verdict on what they find."""

from __future__ import annotations

import pytest

from localdiscord import permissions as perms
from localdiscord.command_rules import valid_chat_input_name
from localdiscord.limits import check_autocomplete, check_message, check_modal
from localdiscord.pytest_plugin import fail_on
from localdiscord.server import LocalDiscord


def paths(findings: list) -> list[str]:  # type: ignore[type-arg]
    return [f"{f.path}: {f.detail}" for f in findings]


def test_content_and_embed_limits_name_the_field() -> None:
    body = {
        "content": "x" * 2001,
        "embeds": [
            {"title": "t" * 257, "description": "d", "footer": {"text": "f" * 2049}, "author": {"name": "a" * 257}}
        ],
        "allowed_mentions": {"parse": []},
    }
    assert paths(check_message(body)) == [
        "content: 2,001 > 2,000",
        "embeds[0].title: 257 > 256",
        "embeds[0].footer.text: 2,049 > 2,048",
        "embeds[0].author.name: 257 > 256",
    ]


def test_embeds_count_fields_and_total() -> None:
    fields = [{"name": "n", "value": "v" * 1000} for _ in range(26)]
    body = {"embeds": [{"fields": fields}] + [{"title": "t"}] * 10, "allowed_mentions": {"parse": []}}
    assert paths(check_message(body)) == [
        "embeds: 11 embeds > 10",
        "embeds[0].fields: 26 fields > 25",
        "embeds: 26,036 characters across all embeds > 6,000",
    ]


def test_whitespace_around_embed_text_is_not_counted() -> None:
    body = {"embeds": [{"description": " " * 10 + "d" * 4096 + "\n"}], "allowed_mentions": {"parse": []}}
    assert check_message(body) == []


def test_components_rows_buttons_and_selects() -> None:
    button = {"type": 2, "style": 1, "label": "ok"}
    rows = [
        {"type": 1, "components": [{**button, "custom_id": f"b{r}{i}"} for i in range(6 if r == 0 else 1)]}
        for r in range(6)
    ]
    rows[1]["components"][0]["label"] = "l" * 81
    rows[2]["components"] = [
        {"type": 3, "custom_id": "s", "options": [{"label": str(i), "value": str(i)} for i in range(26)]}
    ]
    rows[3]["components"][0]["custom_id"] = "b00"
    rows[4]["components"][0]["custom_id"] = ""
    body = {"content": "c", "components": rows, "allowed_mentions": {"parse": []}}
    assert paths(check_message(body)) == [
        "components: 6 action rows > 5",
        "components[0].components: 6 buttons > 5",
        "components[1].components[0].label: 81 > 80",
        "components[2].components[0].options: 26 options > 25",
        "components[3].components[0].custom_id: duplicate of components[0].components[0]",
        "components[4].components[0].custom_id: 0 < 1",
    ]


@pytest.mark.parametrize(
    ("body", "pinged"),
    [
        ({"content": "hi @everyone"}, "@everyone"),
        ({"content": "hi @here", "allowed_mentions": {"parse": ["everyone"]}}, "@here"),
        ({"content": "hi <@&123>"}, "role 123"),
        ({"content": "hi <@!42>", "allowed_mentions": {"parse": [], "users": ["42"]}}, "user 42"),
        ({"content": "re", "message_reference": {"message_id": "1"}}, "reply"),
    ],
)
def test_pings_are_violations(body: dict, pinged: str) -> None:  # type: ignore[type-arg]
    (finding,) = check_message(body)
    assert pinged in finding.detail


def test_no_pings_with_allowed_mentions_none_or_interaction_defaults() -> None:
    quiet = {"parse": [], "replied_user": False}
    assert check_message({"content": "@everyone <@&1> <@2>", "allowed_mentions": quiet}) == []
    # Interactions parse only users by default (message.mdx, "Default Settings for Allowed Mentions").
    assert paths(check_message({"content": "@everyone <@&1> <@2>"}, default_parse=("users",))) == [
        "content: would ping user 2 (no allowed_mentions, so Discord parses ['users'])"
    ]


def test_empty_message_is_refused() -> None:
    assert [f.code for f in check_message({"content": "  "})] == ["EMPTY_MESSAGE"]


def test_autocomplete_and_modal_limits() -> None:
    choices = [{"name": "n" * (101 if i == 0 else 5), "value": "v" * (101 if i == 1 else 5)} for i in range(26)]
    assert paths(check_autocomplete({"choices": choices})) == [
        "data.choices: 26 choices > 25",
        "data.choices[0].name: 101 > 100",
        "data.choices[1].value: 101 > 100",
    ]
    text = {"type": 4, "custom_id": "r", "style": 1, "label": "L"}
    modal = {
        "custom_id": "m",
        "title": "t" * 46,
        "components": [{"type": 1, "components": [{**text, "custom_id": f"r{i}"}]} for i in range(6)],
    }
    assert paths(check_modal(modal)) == ["data.title: 46 > 45", "data.components: 6 components not in 1..5"]


def test_chat_input_names() -> None:
    assert valid_chat_input_name("claim-status_2") is None
    assert valid_chat_input_name("स्थिति") is None  # Devanagari marks are allowed
    assert valid_chat_input_name("Claim") == "must be lowercase"
    assert valid_chat_input_name("a b") == "' ' is not allowed in a name"
    assert valid_chat_input_name("x" * 33) == "33 > 32 characters"


def test_channel_permissions_follow_discords_order() -> None:
    guild_id, role_id, member_id = 1, 2, 3
    overwrites = [
        perms.Overwrite(id=guild_id, type=0, deny=perms.SEND_MESSAGES),
        perms.Overwrite(id=role_id, type=0, allow=perms.SEND_MESSAGES),
        perms.Overwrite(id=member_id, type=1, deny=perms.EMBED_LINKS),
    ]
    base = perms.base_permissions(everyone=perms.DEFAULT_EVERYONE, role_permissions=[], is_owner=False)
    value = perms.channel_permissions(
        base, guild_id=guild_id, member_id=member_id, member_role_ids=[role_id], overwrites=overwrites
    )
    assert value & perms.SEND_MESSAGES
    assert not value & perms.EMBED_LINKS
    admin = perms.base_permissions(everyone=0, role_permissions=[perms.ADMINISTRATOR], is_owner=False)
    assert (
        perms.channel_permissions(admin, guild_id=1, member_id=3, member_role_ids=[], overwrites=overwrites)
        == perms.ALL
    )


def test_fixture_fails_the_test_naming_the_field() -> None:
    server = LocalDiscord()
    server.record_violations("POST /channels/{channel_id}/messages", check_message({"content": "x" * 2001}))
    with pytest.raises(pytest.fail.Exception, match=r"content: 2,001 > 2,000"):
        fail_on(server.problems())
