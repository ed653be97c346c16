"""Requests, submissions and the moderators' queue (issue 11), as members and moderators see them.

Everything a member wrote (a message's text, its author's name, the /submit fields) is escaped with
`fit`, so it shows as typed and can never ping or break the layout. Buttons carry only submission and
claim numbers (bot/render/custom_ids.py); the cogs resolve them inside the guild they are pressed in.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.domain.claims import ClaimSummary, Page
from bot.domain.intake import DueClaim, IntakeSettings, Notice, RejectReason, Submission
from bot.domain.states import Verdict
from bot.render import custom_ids, limits
from bot.render.lines import claim_line, position, share_of, timestamp, within
from bot.render.text import fit, safe_url
from bot.render.views import StatelessView

QUEUE_COLOUR = discord.Colour.gold()
QUEUE_PAGE = 4  # a row of three buttons each, and a row for the pager
DUE_SHOWN = 10
STATEMENT_MAX = 600
LINE_MAX = 300


def asked(count: int) -> str:
    return f"{count} {'member' if count == 1 else 'members'} asked"


# ----------------------------------------------------------------------------- members' answers


def counted_on_claim(number: int, counted: bool) -> str:
    if counted:
        return (
            f"✅ Your request is counted on claim #{number}, which the desk already tracks; you now follow it "
            f"and get a DM when its verdict changes (`/unfollow` to stop). Here it is:"
        )
    return f"You had already asked about claim #{number}; it is counted once. Here it is:"


def counted_on_submission(submission: Submission, counted: bool) -> str:
    head = (
        f"✅ Sent to the moderators as submission {submission.ref}"
        if counted
        else f"You had already asked about this; it is in the moderators' queue as {submission.ref}"
    )
    return f"{head} ({asked(submission.requests)}). You will hear what they decide, and follow the claim it becomes."


def already_rejected(submission: Submission) -> str:
    return f"The moderators already looked at this message ({submission.ref}) and did not take it up."


def is_it_prompt(submission: Submission, claim: ClaimSummary) -> tuple[str, discord.ui.View]:
    """ "This looks like #7 — is it?" with Yes / No, it is new."""
    text = (
        f"This looks like claim **#{claim.number}**, which the desk already tracks — is it?\n"
        f"> {claim_line(claim, STATEMENT_MAX)}"
    )
    view = StatelessView()
    view.add_item(
        discord.ui.Button(
            label=f"Yes, it is #{claim.number}",
            style=discord.ButtonStyle.primary,
            custom_id=custom_ids.submit_same(submission.number, claim.number),
        )
    )
    view.add_item(
        discord.ui.Button(
            label="No, it is new",
            style=discord.ButtonStyle.secondary,
            custom_id=custom_ids.submit_new(submission.number),
        )
    )
    return text, view


def notices_text(notices: Sequence[Notice]) -> str:
    """The words owed to a member, added to their next command's answer."""
    lines = [f"📬 {fit(notice.text, 600, inline=True)}" for notice in notices]
    return within(lines, limits.CONTENT)


def notice_dm(guild_name: str, text: str) -> str:
    return f"From **{fit(guild_name, 100, inline=True)}**: {fit(text, 1_500, inline=True)}"


# ----------------------------------------------------------------------------- the moderators' queue


def _source(submission: Submission) -> str:
    """Where it came from: the message (link and time, its author by name only), or the form."""
    parts = []
    url = safe_url(submission.message_url) or safe_url(submission.link)
    if submission.message_url and url:
        parts.append(f"[message]({url})")
    elif url:
        parts.append(f"<{url}>")
    if submission.author_name:
        parts.append(f"posted by {fit(submission.author_name, 80, inline=True)}")
    if submission.message_at is not None:
        parts.append(timestamp(submission.message_at, "f"))
    if submission.speaker:
        parts.append(f"said by {fit(submission.speaker, 100, inline=True)}")
    if submission.where_when:
        parts.append(fit(submission.where_when, 100, inline=True))
    if submission.message_url and safe_url(submission.link):
        parts.append(f"<{safe_url(submission.link)}>")
    parts.append(f"sent by {fit(submission.submitter.name, 80, inline=True)} {timestamp(submission.created_at)}")
    return " · ".join(parts)


def submission_block(submission: Submission, limit: int) -> str:
    head = f"**{submission.ref}** · {asked(submission.requests)}"
    if submission.suggested is not None:
        head += f" · looks like #{submission.suggested}"
    source = _source(submission)
    room = max(limit - len(head) - len(source) - 6, 20)
    return f"{head}\n> {fit(submission.statement, room, inline=True)}\n{source}"[:limit]


def _decision_row(view: discord.ui.View, submission: Submission, row: int) -> None:
    number = submission.number
    for label, custom_id, style in (
        (f"Accept {submission.ref}", custom_ids.queue_accept(number), discord.ButtonStyle.success),
        (f"Merge {submission.ref} into…", custom_ids.queue_merge(number), discord.ButtonStyle.primary),
        (f"Reject {submission.ref}", custom_ids.queue_reject(number), discord.ButtonStyle.danger),
    ):
        view.add_item(discord.ui.Button(label=label, custom_id=custom_id, style=style, row=row))


def queue_page(submissions: Page[Submission], due: Sequence[DueClaim]) -> tuple[list[discord.Embed], discord.ui.View]:
    """The open submissions, most requested first, each with its three buttons; then the claims due
    for review under a heading of their own."""
    embed = discord.Embed(title="Moderators' queue", colour=QUEUE_COLOUR)
    view = StatelessView()
    if submissions.items:
        room = share_of(limits.EMBED_DESCRIPTION - 200, len(submissions.items), 900)
        blocks = [submission_block(s, room) for s in submissions.items]
        embed.description = "\n\n".join(blocks)
        for row, submission in enumerate(submissions.items):
            _decision_row(view, submission, row)
    else:
        embed.description = "No open submissions: nothing is waiting for a decision."
    embed.set_footer(text=position(submissions, "open submissions"))
    if submissions.offset > 0 or submissions.has_next:
        step = max(submissions.limit, 1)
        back = max(submissions.offset - step, 0)
        for label, offset, disabled in (
            ("◀ Previous", back, submissions.offset == 0),
            ("Next ▶", submissions.offset + step, not submissions.has_next),
        ):
            view.add_item(
                discord.ui.Button(label=label, custom_id=custom_ids.queue_page(offset), disabled=disabled, row=4)
            )
    embeds = [embed]
    if due:
        review = discord.Embed(title="Due for review", colour=discord.Colour.orange())
        shown = due[:DUE_SHOWN]
        room = share_of(limits.EMBED_DESCRIPTION // 4, len(shown), LINE_MAX)
        lines = [
            claim_line(d.summary, room - 30, tail=f" · {d.summary.verdict.look.emoji} as of {timestamp(d.as_of)}")
            for d in shown
        ]
        review.description = within(lines, 1_500, hidden=max(len(due) - DUE_SHOWN, 0))
        review.set_footer(text="Re-affirm one with /mod reviewed, or change its verdict with /mod status.")
        embeds.append(review)
    return embeds, view


def queue_post(submission: Submission) -> tuple[discord.Embed, discord.ui.View]:
    """One new submission, posted to the queue channel with the same buttons."""
    embed = discord.Embed(title=f"New submission {submission.ref}", colour=QUEUE_COLOUR)
    embed.description = submission_block(submission, 1_800)
    view = StatelessView()
    _decision_row(view, submission, 0)
    return embed, view


def decided_text(what: str, submission: Submission, claim_number: int | None = None) -> str:
    target = f" → claim #{claim_number}" if claim_number is not None else ""
    return f"✅ {submission.ref} {what}{target}."


def accepted_text(submission: Submission, claim_number: int, moved: int) -> str:
    noun = "request" if moved == 1 else "requests"
    return f"✅ {submission.ref} accepted → claim #{claim_number}, with {moved} {noun} counted on it."


def merged_text(submission: Submission, claim_number: int, moved: int) -> str:
    noun = "request" if moved == 1 else "requests"
    return f"✅ {submission.ref} merged into #{claim_number}: {moved} new {noun} counted there."


def same_as_proposal(submission: Submission, claim_number: int) -> tuple[str, discord.ui.View]:
    """Merged into a claim worded otherwise: keep the submission's words as a claim of their own?"""
    text = (
        f"The wording differs from #{claim_number}'s. If it is worth tracking as said, keep it as a claim "
        f"of its own, linked as the same claim as #{claim_number} (its requests stay on #{claim_number})."
    )
    view = StatelessView()
    view.add_item(
        discord.ui.Button(
            label=f"Keep its wording, same as #{claim_number}",
            style=discord.ButtonStyle.secondary,
            custom_id=custom_ids.queue_same_as(submission.number),
        )
    )
    return text, view


def reason_options() -> list[discord.SelectOption]:
    return [discord.SelectOption(label=reason.label, value=reason.value) for reason in RejectReason]


# ----------------------------------------------------------------------------- the board and settings


def intake_settings_lines(settings: IntakeSettings) -> list[str]:
    channel = f"<#{settings.queue_channel_id}>" if settings.queue_channel_id else "off (use /mod queue)"
    intervals = []
    for verdict in Verdict:
        days = settings.review_days(verdict)
        intervals.append(f"{verdict.look.label.lower()} {'never' if days is None else f'{days} d'}")
    return [f"Queue channel: {channel}", "Review after: " + ", ".join(intervals)]
