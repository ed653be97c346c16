"""What a person at the sandbox prompt sees, with the real bot answering through the local Discord."""

from __future__ import annotations

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from localdiscord.interactions import MODAL_SUBMIT
from sandbox.completion import SandboxCompleter
from tests.sandbox.conftest import Screen


async def test_claim_shorthand_shows_the_claim_card_with_numbered_buttons(screen: Screen) -> None:
    out = await screen.type("/claim troops")
    assert "Claim #1" in out
    assert "Zelensky" in out
    assert "Disputed" in out
    assert "[1] History  [2] More from this speaker  [3] Related claims" in out
    assert "only you can see this" not in out


async def test_moderator_changes_a_verdict_and_status_shows_it(screen: Screen) -> None:
    await screen.type("as moderator")
    out = await screen.type('/mod status claim:1 verdict:confirmed note:"test" source:https://example.org/a')
    assert "#1 is now confirmed" in out
    assert "only you can see this" in out
    out = await screen.type("/status claim:1")
    assert "Confirmed" in out
    assert "test" in out
    assert "moderator" in out


async def test_reader_cannot_change_a_verdict(screen: Screen) -> None:
    out = await screen.type('/mod status claim:1 verdict:confirmed note:"test" source:https://example.org/a')
    assert "Only moderators can do that" in out
    out = await screen.type("/claim claim:1")
    assert "Disputed" in out


async def test_press_1_on_a_card_shows_its_history(screen: Screen) -> None:
    await screen.type("/claim claim:#2")
    out = await screen.type("press 1")
    assert "History of claim #2" in out
    assert "only you can see this" in out


async def test_press_without_a_message_or_with_a_wrong_number_says_why(screen: Screen) -> None:
    assert "No message with buttons yet" in await screen.type("press 1")
    await screen.type("/claim troops")
    assert "There is no button 9" in await screen.type("press 9")


async def test_completer_offers_the_bots_own_claim_suggestions(screen: Screen) -> None:
    completer = SandboxCompleter(screen.sandbox)

    async def complete(text: str) -> list[tuple[str, str]]:
        found = completer.get_completions_async(Document(text), CompleteEvent(completion_requested=True))
        return [(c.text, c.display_text) async for c in found]

    claims = await complete("/claim claim:troo")
    assert claims, "no suggestions"
    assert any(label.startswith("#1 · Zelensky") and text == "claim:1" for text, label in claims)
    assert ("/claim", "/claim") in await complete("/cl")
    assert [text for text, _ in await complete("/mod sta")] == ["status"]  # "/mod st" also offers story (issue 11)
    assert any(text == "verdict:confirmed" for text, _ in await complete("/mod status verdict:con"))
    assert any(text == "announce_channel:#fact-checks" for text, _ in await complete("/mod config announce_channel:#f"))
    assert any(text.startswith("#1") or text == "1" for text, _ in await complete("/claim troo"))
    assert [text for text, _ in await complete("as mod")] == ["moderator"]
    assert await complete("/claim claim:1 story:x stray ") == []  # every option given (story: is issue 11's)


async def test_modal_is_filled_one_field_at_a_time_then_submitted(screen: Screen) -> None:
    await screen.type("as moderator")
    out = await screen.type("/mod add kind:quote")
    assert "Add a claim" in out
    assert screen.sandbox.prompt.startswith("  Statement")
    out = await screen.type("")
    assert "Statement is required" in out
    await screen.type("Pyongyang has sent 12,000 soldiers to Kursk", "Jane Analyst", "", "2024-10-20")
    out = await screen.type("https://example.org/report")
    assert "Added claim #" in out
    assert screen.sandbox.form is None
    out = await screen.type("/who-said Jane Analyst")
    assert "12,000 soldiers" in out


async def test_closing_a_form_sends_nothing(screen: Screen) -> None:
    await screen.type("as moderator", "/mod add kind:paraphrase")
    screen.sandbox.cancel_form()
    assert screen.sandbox.form is None
    interactions = screen.runtime.driver.server.interactions.by_id.values()
    assert [r.name for r in interactions if r.type == MODAL_SUBMIT] == []
    assert screen.sandbox.prompt == "moderator@Newsroom> "


async def test_verdict_change_is_announced_in_the_configured_channel(screen: Screen) -> None:
    out = await screen.type("as admin", "/mod config announce_channel:#fact-checks")
    assert "fact-checks" in out
    out = await screen.type('/mod status claim:2 verdict:confirmed note:"Seen in satellite imagery"')
    assert "claimbot in #fact-checks" in out
    assert "claimbot in #general" in out


async def test_check_posts_the_text_and_runs_the_message_command(screen: Screen) -> None:
    out = await screen.type("check North Korea is sending 10,000 troops to Russia")
    assert "reader in #general" in out
    assert "#1" in out


async def test_say_posts_as_the_member_and_apps_runs_on_the_latest_members_message(screen: Screen) -> None:
    out = await screen.type("say Pyongyang is sending 10,000 troops to Russia")
    assert "reader in #general" in out
    out = await screen.type("apps")
    assert "[1] Check claims" in out
    out = await screen.type("apps check")
    assert "#1" in out  # the tracked claim Check claims found for the message said above
    assert "✗" not in out


async def test_apps_without_a_members_message_or_with_an_unknown_item_says_why(screen: Screen) -> None:
    out = await screen.type("apps 1")
    assert "No member has posted in #general yet" in out
    await screen.type("say hello")
    out = await screen.type("apps 9")
    assert "Which one? The Apps menu has [1] Check claims" in out


async def test_in_moves_to_another_channel_and_look_shows_what_is_there(screen: Screen) -> None:
    out = await screen.type("in #fact-checks")
    assert "You are now in #fact-checks" in out
    assert "Nothing in #fact-checks yet" in await screen.type("look")
    await screen.type("say a line in fact-checks")
    await screen.type("in general")
    await screen.type("/claim troops")
    out = await screen.type("look")
    assert "Claim #1" in out
    assert "fact-checks" not in out
    assert "There is no channel" in await screen.type("in #nowhere")


async def test_dms_says_when_there_are_none(screen: Screen) -> None:
    assert "The bot has sent you no direct messages" in await screen.type("dms")


async def test_mistakes_are_one_readable_line(screen: Screen) -> None:
    out = await screen.type("/nope")
    assert "✗ There is no /nope command" in out
    out = await screen.type("/mod status claim:1 verdict:maybe note:x")
    assert "✗ verdict: 'maybe' is not one of the choices" in out
    out = await screen.type("/mod")
    assert "✗ /mod needs one of:" in out
    out = await screen.type('/claim "troops')
    assert "A quote is not closed" in out
    out = await screen.type("/mod status claim:1")
    assert "needs verdict, note" in out
    out = await screen.type("frobnicate")
    assert "Unknown command 'frobnicate'" in out
    out = await screen.type("as nobody")
    assert "Who?" in out
    out = await screen.type("as mod")
    assert "You are now moderator" in out
    assert "Traceback" not in screen.everything


async def test_help_and_members_list_what_there_is(screen: Screen) -> None:
    out = await screen.type("help")
    assert "/mod status claim:… verdict:… note:… [source:…]" in out
    assert "press N" in out
    out = await screen.type("members")
    assert "Manage Messages" in out
    assert "← you" in out


async def test_quit_ends_and_the_token_is_never_shown_or_logged(screen: Screen) -> None:
    screen.sandbox.banner()
    await screen.type("/claim troops", "help")
    assert await screen.sandbox.handle("quit") is False
    token = screen.runtime.driver.server.token
    assert token not in screen.everything
    log = screen.runtime.log_path.read_text(encoding="utf-8")
    assert "Ready as" in log or "Sandbox ready" in log
    assert token not in log


async def test_a_prefilled_form_keeps_values_on_enter_and_dash_clears_an_optional_one(screen: Screen) -> None:
    await screen.type("as moderator", '/mod edit claim:1 note:"role was wrong"')
    assert "Enter keeps 'North Korea is preparing" in screen.sandbox.prompt
    out = await screen.type("", "", "-", "")
    assert "#1: changed role" in out
    out = await screen.type("/claim claim:1")
    assert "President of Ukraine" not in out
