"""The process's log: one line per interaction, at a cost measured in BENCHMARKS.md.

Every interaction is logged, so a line's cost is part of every answer's: with the standard set-up it
was about a tenth of a /claim's CPU. Most of that is work the line never shows: the caller's file
and line (a walk up the stack), the thread's and process's names, and a local time formatted anew
for every record though it changes once a second. The line itself stays the same.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import TextIO

FORMAT = "[%(asctime)s] [%(levelname)-8s] %(name)s: %(message)s"
COLOUR_FORMAT = "[%(asctime)s] [%(levelcolour)s%(levelname)-8s\x1b[0m] %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
LEVEL_COLOURS = {
    logging.DEBUG: "\x1b[2m",
    logging.INFO: "\x1b[34;1m",
    logging.WARNING: "\x1b[33;1m",
    logging.ERROR: "\x1b[31m",
    logging.CRITICAL: "\x1b[41m",
}


class LineFormatter(logging.Formatter):
    """The standard formatter, with a record's local time formatted once a second, not once a record."""

    def __init__(self, *, colour: bool = False) -> None:
        super().__init__(COLOUR_FORMAT if colour else FORMAT, DATE_FORMAT)
        self.colour = colour
        self._second = -1
        self._stamp = ""

    def format(self, record: logging.LogRecord) -> str:
        if self.colour:
            record.levelcolour = LEVEL_COLOURS.get(record.levelno, "")
        return super().format(record)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        second = int(record.created)
        if second != self._second:
            # Two threads may both miss at a second's turn; each then writes the same stamp.
            self._stamp = time.strftime(datefmt or DATE_FORMAT, self.converter(second))
            self._second = second
        return self._stamp


def setup_logging(level: int, stream: TextIO | None = None) -> None:
    """Log to stderr (colour on a terminal) at `level`, without the record fields no line shows.

    `logging._srcfile = None` and the `log*` switches are the logging HOWTO's own optimisations
    ("Optimization"): no format of ours uses a file, a line, a function, a thread or a process.
    """
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    stream = stream if stream is not None else sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(LineFormatter(colour=stream.isatty()))
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
