"""The log's line: the same text as logging's own formatter gives, for less work a record."""

from __future__ import annotations

import io
import logging
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import discord
import pytest

from bot.commands.tree import ms_since
from bot.logs import DATE_FORMAT, FORMAT, LineFormatter, setup_logging


def record(created: float, message: str = "guild=%s ms=%d", args: tuple[object, ...] = (1, 2)) -> logging.LogRecord:
    made = logging.LogRecord("claimbot.interactions", logging.INFO, "", 0, message, args, None)
    made.created, made.msecs = created, (created % 1) * 1000
    return made


def test_a_line_is_what_loggings_formatter_writes_across_seconds_and_back() -> None:
    ours, standard = LineFormatter(), logging.Formatter(FORMAT, DATE_FORMAT)
    start = 1_764_633_600.25  # a second's turn inside the run, then a clock set back
    for created in (start, start + 0.5, start + 0.75, start + 1.0, start + 61.2, start - 3600.0, start + 0.1):
        assert ours.format(record(created)) == standard.format(record(created))


def test_an_exception_keeps_its_traceback() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        failed = logging.LogRecord("claimbot", logging.ERROR, "", 0, "failed %s", ("ref",), sys.exc_info())
    text = LineFormatter().format(failed)
    assert text.splitlines()[0].endswith("[ERROR   ] claimbot: failed ref")
    assert "Traceback" in text
    assert "ValueError: boom" in text


def test_colour_only_marks_the_level() -> None:
    text = LineFormatter(colour=True).format(record(time.time()))
    assert "\x1b[34;1mINFO    \x1b[0m" in text
    assert text.endswith("claimbot.interactions: guild=1 ms=2")


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, logging._srcfile, logging.logThreads, logging.logProcesses)
    yield
    for handler in root.handlers[:]:
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])
    logging._srcfile, logging.logThreads, logging.logProcesses = saved[2], saved[3], saved[4]


@pytest.mark.usefixtures("restored_logging")
def test_setup_writes_one_line_a_record_at_the_level() -> None:
    stream = io.StringIO()
    setup_logging(logging.INFO, stream)
    log = logging.getLogger("claimbot.interactions")
    log.debug("not shown")
    log.info("guild=%s user=%s command=%s outcome=%s ms=%d", 5, 6, "claim", "ok", 3)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].endswith("] [INFO    ] claimbot.interactions: guild=5 user=6 command=claim outcome=ok ms=3")
    assert "\x1b[" not in lines[0]  # not a terminal: no colour codes in a log file or a pipe


def test_ms_since_reads_the_snowflakes_time() -> None:
    made = datetime.now(UTC) - timedelta(milliseconds=1500)
    assert 1490 <= ms_since(discord.utils.time_snowflake(made)) <= 1500 + 1000
