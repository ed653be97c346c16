from __future__ import annotations

import discord

from bot.render.limits import embed_size, share


def test_embed_size_counts_the_parts_discord_counts() -> None:
    embed = discord.Embed(title="ab", description="cde")
    embed.add_field(name="f", value="gh")
    embed.set_footer(text="ij")
    embed.set_author(name="k")

    assert embed_size(embed) == 11
    assert embed_size(embed, embed) == 22


def test_share_gives_everything_when_it_fits() -> None:
    assert share([10, 20], [1, 1], 100) == [10, 20]


def test_share_keeps_small_parts_whole_and_cuts_the_long_one() -> None:
    rooms = share([6000, 100, 100], [4, 1, 1], 3000)

    assert rooms[1:] == [100, 100]
    assert sum(rooms) <= 3000
    assert rooms[0] > 2700


def test_share_favours_the_heavier_part_when_all_are_long() -> None:
    rooms = share([5000, 5000], [3, 1], 4000)

    assert sum(rooms) <= 4000
    assert rooms[0] == 3 * rooms[1]
