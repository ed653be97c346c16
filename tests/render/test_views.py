"""The views the bot sends are not kept by discord.py: its DynamicItems answer their buttons.

discord.py stores every unfinished view it sends in its ViewStore, keyed by the message, and a view
without a timeout never finishes: one card, one view kept for the life of the process. These tests send
through discord.py's own InteractionResponse (only the HTTP call is stubbed) and look in that store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import discord
import pytest
from discord.webhook.async_ import async_context

from bot.domain.claims import Page
from bot.render.cards import claim_buttons
from bot.render.lists import pager
from tests.render.helpers import summary

MESSAGE_ID = 555
USER = {"id": "5", "username": "reader", "discriminator": "0", "avatar": None, "global_name": None}


def a_pager() -> discord.ui.View:
    return pager(Page((summary(1), summary(2)), 12, 0, 2), lambda offset: f"claimbot:speaker:3:page:{offset}")


def like_before() -> discord.ui.View:
    """What claim_buttons built before: a plain View of the same buttons, kept by discord.py forever."""
    view = discord.ui.View(timeout=None)
    for item in claim_buttons(7).children:
        view.add_item(item)
    return view


class Discord:
    """The one HTTP call InteractionResponse.send_message makes, answered as Discord answers it."""

    async def create_interaction_response(self, interaction_id: int, token: str, **_: Any) -> dict[str, Any]:
        return {"interaction": {"id": str(interaction_id), "type": 2, "response_message_id": str(MESSAGE_ID)}}


@pytest.fixture
def stub_discord() -> Iterator[None]:
    token = async_context.set(Discord())  # type: ignore[arg-type]
    try:
        yield
    finally:
        async_context.reset(token)


async def send(view: discord.ui.View, *, ephemeral: bool) -> discord.Client:
    client = discord.Client(intents=discord.Intents.none())
    data = {
        "id": "100",
        "type": 2,
        "token": "interaction-token",
        "version": 1,
        "application_id": "1",
        "attachment_size_limit": 8_388_608,
        "channel": {},
        "user": USER,
    }
    interaction = discord.Interaction(data=data, state=client._connection)  # type: ignore[arg-type]
    await interaction.response.send_message("card", view=view, ephemeral=ephemeral)
    return client


def kept(client: discord.Client) -> bool:
    store = client._connection._view_store
    return bool(client.persistent_views) or store.is_message_tracked(MESSAGE_ID) or bool(store._views)


@pytest.mark.usefixtures("stub_discord")
@pytest.mark.parametrize("ephemeral", [False, True], ids=["public", "ephemeral"])
@pytest.mark.parametrize("make", [lambda: claim_buttons(7), a_pager], ids=["claim_buttons", "pager"])
async def test_a_sent_view_of_buttons_is_not_kept_by_discord_py(
    make: Callable[[], discord.ui.View], ephemeral: bool
) -> None:
    view = make()
    assert view.children, "nothing was sent"
    client = await send(view, ephemeral=ephemeral)
    assert not kept(client)


@pytest.mark.usefixtures("stub_discord")
async def test_a_plain_view_without_timeout_is_kept_so_the_check_above_can_see_a_leak() -> None:
    view = like_before()
    client = await send(view, ephemeral=False)
    assert kept(client)
    assert client.persistent_views == [view]


def test_the_views_are_finished_from_the_start_which_every_send_path_checks_before_storing() -> None:
    for view in (claim_buttons(7), a_pager()):
        assert view.is_finished()
        assert view.timeout is None
        with pytest.raises(ValueError, match="finished"):
            discord.Client(intents=discord.Intents.none()).add_view(view)
