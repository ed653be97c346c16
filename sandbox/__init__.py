"""The sandbox: try the bot in a local Discord in this terminal, with no account and no token.

`python -m bot sandbox` (and `python -m bot start` without DISCORD_TOKEN) runs :func:`run_sandbox`.
world.py builds the server, runtime.py starts the local Discord and the bot, session.py turns typed
lines into what a member does, commands.py and completion.py read and complete those lines, render.py
and markdown.py draw what the bot sent, app.py is the prompt.
"""

from __future__ import annotations

from sandbox.app import run_sandbox

__all__ = ["run_sandbox"]
