"""The bot process imports neither the sandbox nor what only the sandbox and the tests need.

localdiscord is a stand-in for Discord and rich / prompt_toolkit draw the sandbox's terminal: a bot
talking to the real Discord must not load them. A fresh interpreter shows what an import really pulls in.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN = ("localdiscord", "rich", "prompt_toolkit", "sandbox")

# Imports every module of bot/ and cogs/ (bot.__main__ and bot.bot among them), then reports what it imported
# and which of the forbidden top-level packages are loaded.
PROBE = f"""
import importlib, json, pkgutil, sys
import bot, cogs
imported = []
for package in (bot, cogs):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
        imported.append(info.name)
loaded = sorted({{name.split(".")[0] for name in sys.modules}} & set({FORBIDDEN!r}))
print(json.dumps({{"imported": imported, "loaded": loaded}}))
"""


def test_the_bot_process_never_imports_the_sandbox_localdiscord_rich_or_prompt_toolkit() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {"bot.__main__", "bot.bot", "cogs.claims", "bot.render.cards"} <= set(report["imported"])
    assert report["loaded"] == []
