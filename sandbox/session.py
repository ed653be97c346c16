"""The sandbox itself: typed lines in, what a Discord member would see out, on a rich Console.

It knows nothing of terminals: the prompt layer (app.py) hands it lines and asks for the prompt, and
tests do the same with a Console writing to a string. Everything a member does goes through the local
Discord's driver, so the bot under test is the real one, answering real interactions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from localdiscord.driver import Driver
from localdiscord.interactions import InteractionResult
from localdiscord.world import Member, Message
from sandbox.commands import (
    InputError,
    LocalFile,
    all_targets,
    chat_commands,
    message_commands,
    parse_slash,
    usage,
)
from sandbox.render import Button, buttons_of, message_view
from sandbox.world import FIRST_MEMBER, Newsroom

log = logging.getLogger(__name__)

Json = dict[str, Any]

ANSWER_WITHIN = 10.0  # the bot has 3 s to acknowledge; a deferred answer may take longer to arrive
TEXT_INPUT = 4
LABEL = 18

SANDBOX_COMMANDS = (
    ("press N", "press button N of the latest message with buttons"),
    ("as NAME", "act as another member (see members)"),
    ("say TEXT", "post TEXT in the channel you are in, as a member would"),
    ("apps [N]", "the Apps menu on the latest member's message here: list it, or run item N (or a name)"),
    ("check TEXT", "post TEXT here and run Apps → Check claims on it"),
    ("in #CHANNEL", "go to another channel (#general, #fact-checks)"),
    ("look", "the latest messages in this channel as they are now (edits included)"),
    ("dms", "the direct messages the bot sent you"),
    ("members", "who is in the server and what they may do"),
    ("help", "this list"),
    ("quit", "leave (Ctrl-D too); the server and its database are deleted"),
)


@dataclass(frozen=True)
class FormField:
    custom_id: str
    label: str
    required: bool
    default: str
    min_length: int
    max_length: int


@dataclass
class Form:
    """A modal the bot opened, filled in one field per line."""

    opener: InteractionResult
    title: str
    fields: list[FormField]
    values: dict[str, str] = field(default_factory=dict)
    index: int = 0

    @property
    def current(self) -> FormField:
        return self.fields[self.index]


def form_fields(modal: Json) -> list[FormField]:
    """The modal's text inputs in order, from action rows or (newer) label components."""
    found: list[FormField] = []
    for top in modal.get("components") or []:
        if top.get("type") == LABEL:
            inputs, label = [top.get("component") or {}], str(top.get("label") or "")
        else:
            inputs, label = list(top.get("components") or []), ""
        for item in inputs:
            if item.get("type") != TEXT_INPUT:
                continue
            found.append(
                FormField(
                    custom_id=str(item.get("custom_id") or ""),
                    label=str(item.get("label") or label or item.get("custom_id")),
                    required=bool(item.get("required", True)),
                    default=str(item.get("value") or ""),
                    min_length=int(item.get("min_length") or 0),
                    max_length=int(item.get("max_length") or 4000),
                )
            )
    return found


class Sandbox:
    """One person at the keyboard, acting as one member of the Newsroom server at a time."""

    def __init__(
        self,
        driver: Driver,
        newsroom: Newsroom,
        console: Console,
        *,
        log_path: Path | None = None,
        answer_within: float = ANSWER_WITHIN,
    ) -> None:
        self.driver = driver
        self.newsroom = newsroom
        self.console = console
        self.log_path = log_path
        self.answer_within = answer_within
        self.member: Member = newsroom.members[FIRST_MEMBER]
        self.channel = newsroom.general
        self.form: Form | None = None
        self.buttons: list[Button] = []
        self.buttons_message: Message | None = None
        self._seen: set[int] = set(driver.world.messages)
        self._versions: dict[int, int] = {}  # message id -> how many of its edits were shown
        self._remember_versions()

    # --- what the prompt layer asks -------------------------------------------------------------------

    @property
    def member_name(self) -> str:
        return self.member.user.username

    @property
    def prompt(self) -> str:
        if self.form is None:
            return f"{self.member_name}@{self.newsroom.guild.name}> "
        current = self.form.current
        notes = [] if current.required else ["optional"]
        if current.default:
            shown = current.default if len(current.default) <= 40 else current.default[:39] + "…"
            notes.append(f"Enter keeps {shown!r}")
        extra = f" ({'; '.join(notes)})" if notes else ""
        return f"  {current.label}{extra}: "

    @property
    def commands(self) -> list[Json]:
        """What the member's Discord client offers here: the server's commands, then global ones."""
        local = self.driver.commands(self.newsroom.guild)
        names = {(c["name"], c.get("type", 1)) for c in local}
        return local + [c for c in self.driver.commands() if (c["name"], c.get("type", 1)) not in names]

    def banner(self) -> None:
        """Soft-wrapped lines: the terminal wraps them, so the log path stays one piece to copy."""
        others = ", ".join(name for name in self.newsroom.members if name != self.member_name)
        say = partial(self.console.print, soft_wrap=True)
        say(
            Text.assemble(
                ("claimbot sandbox", "bold"), " — a local Discord in your terminal; nothing leaves this machine."
            )
        )
        say(
            Text.assemble(
                f"Server {self.newsroom.guild.name} (#general, #fact-checks). You are ",
                (self.member_name, "bold cyan"),
                f"; switch with `as NAME` ({others}).",
            )
        )
        say(
            Text.assemble(
                "Type ", ("help", "bold"), " to start, or try ", ("/claim troops", "bold"), " (Tab completes)."
            )
        )
        if self.log_path is not None:
            say(Text(f"The bot's log: {self.log_path}", style="dim"))
        self.console.print()

    async def handle(self, line: str) -> bool:
        """Act on one typed line; False means the person asked to leave."""
        try:
            if self.form is not None:
                await self._fill(line)
                return True
            return await self._command(line.strip())
        except InputError as exc:
            self._error(str(exc))
        except (ValueError, LookupError, PermissionError) as exc:
            # What a Discord client itself refuses to send (a disabled button, an empty required input).
            self._error(str(exc))
        except TimeoutError:
            self._error(f"The bot did not answer within {self.answer_within:.0f} s.")
        except Exception as exc:
            log.exception("Sandbox command %r failed", line)
            where = f"; details in {self.log_path}" if self.log_path else ""
            self._error(f"Something went wrong in the sandbox ({type(exc).__name__}: {exc}){where}")
        return True

    def cancel_form(self) -> None:
        """Closing a modal sends nothing to the bot, as in Discord."""
        if self.form is not None:
            self.console.print(Text(f"Closed the form {self.form.title!r} without sending it.", style="yellow"))
            self.form = None

    # --- commands -------------------------------------------------------------------------------------

    async def _command(self, text: str) -> bool:
        if not text:
            return True
        word, _, rest = text.partition(" ")
        word, rest = word.lower(), rest.strip()
        if text.startswith("/"):
            await self.slash(text)
        elif word in ("quit", "exit"):
            return False
        elif word == "help":
            self.show_help()
        elif word == "members":
            self.show_members()
        elif word == "as":
            self.switch(rest)
        elif word == "press":
            await self.press(rest)
        elif word == "check":
            await self.check(rest)
        elif word == "say":
            self.say(rest)
        elif word == "apps":
            await self.apps(rest)
        elif word == "in":
            self.go_to(rest)
        elif word == "look":
            self.look()
        elif word == "dms":
            self.show_dms()
        else:
            raise InputError(
                f"Unknown command {word!r}. Slash commands start with / (try /claim troops); type help for the rest."
            )
        return True

    async def slash(self, text: str) -> None:
        call = parse_slash(text, chat_commands(self.commands), self.newsroom.guild)
        options = {
            name: self.driver.attachment(value.name, value.data) if isinstance(value, LocalFile) else value
            for name, value in call.options.items()
        }
        result = await self.driver.slash(
            self.newsroom.guild, self.member, call.name, options, subcommand=call.path, channel=self.channel
        )
        await self._answer(result)

    async def press(self, rest: str) -> None:
        if not rest.isdigit():
            raise InputError("press takes a button number, e.g. press 1.")
        if not self.buttons or self.buttons_message is None:
            raise InputError("No message with buttons yet; try /claim troops first.")
        number = int(rest)
        button = next((b for b in self.buttons if b.number == number), None)
        if button is None:
            raise InputError(f"There is no button {number}; the latest message has buttons 1–{len(self.buttons)}.")
        if button.disabled:
            raise InputError(f"[{number}] {button.label} is disabled.")
        message = self.buttons_message
        if message.visible_to is not None and message.visible_to != self.member.id:
            owner = self.newsroom.guild.members.get(message.visible_to)
            who = owner.user.username if owner else "someone else"
            raise InputError(f"That message was only for {who}; switch back with `as {who}` to press its buttons.")
        await self._answer(await self.driver.press(message, button.custom_id, self.member))

    async def check(self, text: str) -> None:
        if not text:
            raise InputError("check takes the text of a message, e.g. check Pyongyang is sending 10,000 troops")
        menus = message_commands(self.commands)
        if not menus:
            raise InputError("The bot has registered no message commands.")
        name = "Check claims" if "Check claims" in menus else next(iter(menus))
        message = self.say(text)
        await self._answer(await self.driver.message_command(self.newsroom.guild, self.member, name, message))

    def say(self, text: str) -> Message:
        if not text:
            raise InputError("say takes the text to post, e.g. say Pyongyang is sending 10,000 troops")
        message = self.driver.post_message(self.channel, self.member, text)
        self._seen.add(message.id)
        self._show(message)
        return message

    async def apps(self, choice: str) -> None:
        """Discord's Apps menu (right-click on a message): on the latest message a member posted here."""
        menus = list(message_commands(self.commands))
        if not menus:
            raise InputError("The bot has registered no message commands.")
        if not choice:
            for number, name in enumerate(menus, 1):
                self.console.print(Text.assemble(f"  [{number}] ", (name, "bold")))
            self.console.print(Text("Run one with apps N on the latest member's message here.", style="dim"))
            return
        lowered = choice.lower()
        if choice.isdigit() and 1 <= int(choice) <= len(menus):
            name = menus[int(choice) - 1]
        else:
            starting = [n for n in menus if n.lower().startswith(lowered)]
            if len(starting) != 1:
                listing = ", ".join(f"[{n}] {m}" for n, m in enumerate(menus, 1))
                raise InputError(f"Which one? The Apps menu has {listing}.")
            name = starting[0]
        bot_id = self.driver.bot_user.id
        posted = [m for m in self.driver.messages(self.channel) if m.author_id != bot_id and not m.deleted]
        if not posted:
            raise InputError(f"No member has posted in #{self.channel.name} yet; post something with say TEXT.")
        target = posted[-1]
        await self._answer(await self.driver.message_command(self.newsroom.guild, self.member, name, target))

    def go_to(self, name: str) -> None:
        channel = self.newsroom.channel(name)
        if channel is None:
            names = ", ".join(f"#{c.name}" for c in self.newsroom.guild.channels.values() if c.type == 0)
            raise InputError(f"There is no channel {name!r}; there are {names}.")
        self.channel = channel
        self.console.print(Text.assemble("You are now in ", (f"#{channel.name}", "bold cyan"), "."))

    def look(self, count: int = 5) -> None:
        shown = [m for m in self.driver.messages(self.channel) if self._visible(m)][-count:]
        if not shown:
            self.console.print(Text(f"Nothing in #{self.channel.name} yet.", style="dim"))
        for index, message in enumerate(shown):
            if index:
                self.console.print()
            self._show(message)
        self._remember_versions()
        self._seen.update(self.driver.world.messages)
        self.console.print()

    def show_dms(self, count: int = 5) -> None:
        received = self.driver.dms(self.member)[-count:]
        if not received:
            self.console.print(Text("The bot has sent you no direct messages.", style="dim"))
        for index, message in enumerate(received):
            if index:
                self.console.print()
            self._show(message)
        self._remember_versions()
        self._seen.update(self.driver.world.messages)
        self.console.print()

    def switch(self, name: str) -> None:
        """`as moderator`, or any unambiguous start of a name (`as mod`)."""
        wanted = name.removeprefix("@").lower()
        starting = [m for n, m in self.newsroom.members.items() if wanted and n.startswith(wanted)]
        member = self.newsroom.member(wanted) or (starting[0] if len(starting) == 1 else None)
        if member is None:
            raise InputError(f"Who? Choose one of: {', '.join(self.newsroom.members)} (e.g. as moderator).")
        self.member = member
        self.console.print(
            Text.assemble("You are now ", (self.member_name, "bold cyan"), f" ({self.newsroom.rights(member)}).")
        )

    def show_members(self) -> None:
        table = Table(title=f"Members of {self.newsroom.guild.name}", title_justify="left", box=None)
        table.add_column("member", style="bold cyan")
        table.add_column("rights")
        table.add_column("")
        for name, member in self.newsroom.members.items():
            table.add_row(
                Text(name), Text(self.newsroom.rights(member)), Text("← you" if member is self.member else "")
            )
        self.console.print(table)
        self.console.print(
            Text(
                "Moderators (Manage Messages, Manage Server or Administrator) may use /mod; "
                "/mod config needs Manage Server.",
                style="dim",
            )
        )

    def show_help(self) -> None:
        commands = Table(box=None, show_header=False, padding=(0, 2, 0, 2))
        commands.add_column(style="bold", no_wrap=True)
        commands.add_column()
        for target in all_targets(chat_commands(self.commands)):
            commands.add_row(Text(usage(target).removeprefix("Usage: ")), Text(target.description))
        for name in message_commands(self.commands):
            commands.add_row(Text(f"check TEXT → {name}"), Text("Apps menu on a message"))
        own = Table(box=None, show_header=False, padding=(0, 2, 0, 2))
        own.add_column(style="bold", no_wrap=True)
        own.add_column()
        for name, what in SANDBOX_COMMANDS:
            own.add_row(Text(name), Text(what))
        self.console.print(Text("Slash commands (Tab completes names, options and the bot's suggestions):"))
        self.console.print(commands)
        self.console.print(Text("Sandbox:"))
        self.console.print(own)
        self.console.print(
            Text(
                'Options are name:value; quote values with spaces (note:"two words"). '
                "Plain words fill the first required option: /claim troops, /who-said Rutte.",
                style="dim",
            )
        )

    # --- modals ---------------------------------------------------------------------------------------

    def _open_form(self, result: InteractionResult) -> None:
        modal = result.modal or {}
        fields = form_fields(modal)
        title = str(modal.get("title") or "Form")
        if not fields:
            raise InputError(f"The bot opened a form {title!r} with nothing the sandbox can fill in.")
        self.form = Form(result, title, fields)
        self.console.print(
            Text.assemble(
                ("📝 " + title, "bold"),
                " — the bot opened a form. Answer each field; Enter keeps the value shown, "
                "or skips an optional field; - clears it; Ctrl-C closes the form.",
            )
        )

    async def _fill(self, line: str) -> None:
        form = self.form
        assert form is not None
        current = form.current
        value = line.strip()
        if not value:
            value = current.default
        elif value == "-" and not current.required:
            value = ""
        if current.required and not value:
            raise InputError(f"{current.label} is required.")
        if value and not current.min_length <= len(value) <= current.max_length:
            raise InputError(
                f"{current.label} takes {current.min_length}–{current.max_length} characters, not {len(value)}."
            )
        form.values[current.custom_id] = value
        form.index += 1
        if form.index < len(form.fields):
            return
        self.form = None
        await self._answer(await self.driver.submit_modal(form.opener, form.values, self.member))

    # --- showing what happened ------------------------------------------------------------------------

    async def _answer(self, result: InteractionResult) -> None:
        """Wait for the bot's answer to settle, then show it and anything else the bot posted meanwhile."""
        await result.finished(within=self.answer_within)
        if result.late:
            self._error("The bot did not answer in time; Discord would show “The application did not respond”.")
        for error in result.errors:
            self._error(f"Discord refused part of the bot's answer: {error.get('message', error)}")
        shown = [m for m in result.messages if self._visible(m)]
        ids = {m.id for m in shown}
        others = sorted(
            (
                m
                for m in self.driver.world.messages.values()
                if m.id not in self._seen
                and m.id not in ids
                and m.author_id == self.driver.bot_user.id
                and not m.deleted
                and self._visible(m)
            ),
            key=lambda m: m.id,
        )
        edited = [
            m
            for m in self.driver.world.messages.values()
            if m.id in self._seen
            and m.id not in ids
            and len(m.edits) > self._versions.get(m.id, 0)
            and m.author_id == self.driver.bot_user.id
            and self._visible(m)
        ]
        for index, message in enumerate([*shown, *others]):
            if index:
                self.console.print()
            self._show(message)
        for message in sorted(edited, key=lambda m: m.id):
            self.console.print()
            self._show(message, note="✎ edited since you saw it: ")
        self._seen.update(self.driver.world.messages)
        self._remember_versions()
        if result.modal is not None:
            self._open_form(result)
        elif not shown and not others and not edited and not result.late:
            self.console.print(Text("(the bot answered without a message)", style="dim"))
        self.console.print()

    def _visible(self, message: Message) -> bool:
        return not message.deleted and message.visible_to in (None, self.member.id)

    def _remember_versions(self) -> None:
        self._versions = {ident: len(m.edits) for ident, m in self.driver.world.messages.items()}

    def _show(self, message: Message, note: str = "") -> None:
        author_member = self.newsroom.guild.members.get(message.author_id)
        author = author_member.user.username if author_member else str(message.payload["author"]["username"])
        direct = message.channel_id in self.driver.world.dm_channels
        self.console.print(
            message_view(
                message,
                channel=None if direct else self.newsroom.channel_name(message.channel_id),
                author=author,
                names=self.newsroom.mention_name,
                note=note,
            )
        )
        buttons = buttons_of(message)
        if buttons:
            self.buttons, self.buttons_message = buttons, message

    def _error(self, text: str) -> None:
        self.console.print(Text(f"✗ {text}", style="bold red"), soft_wrap=True)
