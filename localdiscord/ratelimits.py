"""Rate limits: the ``X-RateLimit-*`` headers of every REST answer, and the 429s a test asks for.

From discord/discord-api-docs, developers/topics/rate-limits.mdx:

- "Header Format": answers carry ``X-RateLimit-Limit``, ``-Remaining``, ``-Reset`` (epoch seconds),
  ``-Reset-After`` (seconds, with decimals) and ``-Bucket`` (a string naming the limit, the same for every
  top-level resource); ``X-RateLimit-Global`` and ``X-RateLimit-Scope`` (``user``, ``global``, ``shared``)
  only on 429s.
- Per-route limits count separately per top-level resource (``channel_id``, ``guild_id``, a webhook's id
  and token), so ``/channels/1`` and ``/channels/2`` have one bucket each.
- "Exceeding A Rate Limit": 429 with ``{"message", "retry_after", "global"}``, a ``Retry-After`` header,
  and the route's headers; a global 429 carries ``X-RateLimit-Global: true`` and scope ``global``.
- Interaction endpoints are not bound to the global rate limit.

Every bucket has a window (``limit`` requests per ``per`` seconds). By default it is so wide that no test
reaches it, but the headers are real, so discord.py learns each route's bucket and may send requests to
one bucket concurrently, as it does against Discord. :meth:`RateLimits.limit_route` narrows a route's
window (requests past it get 429, as on Discord; discord.py waits before reaching it), and
:meth:`RateLimits.rate_limit` makes the next ``times`` matching requests answer 429 whatever the window.

Every answer also carries ``Via: 1.1 google`` as Discord's do: discord.py treats a 429 without ``Via``
as a Cloudflare ban and raises instead of waiting.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import json
import math
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

Json = dict[str, Any]

#: The window every bucket has unless a test narrows it: wide enough that no test waits on it.
DEFAULT_LIMIT = 10_000
DEFAULT_PER = 1.0

SCOPES = ("user", "shared", "global")
VIA = "1.1 google"


@dataclass(frozen=True)
class RateLimitHit:
    """One 429 the local Discord answered."""

    method: str
    path: str
    route: str  # "POST /channels/{channel_id}/messages"
    retry_after: float
    global_: bool
    scope: str
    at: float  # time.monotonic() when it was answered

    def __str__(self) -> str:
        kind = "global " if self.global_ else ""
        return f"429 ({kind}{self.scope}, retry after {self.retry_after:g}s) for {self.method} {self.path}"


@dataclass(eq=False)
class RateLimitRule:
    """The next ``times`` requests matching ``method`` and ``pattern`` answer 429."""

    method: str
    pattern: str
    times: int
    retry_after: float
    global_: bool
    scope: str
    hits: list[RateLimitHit] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return self.times - len(self.hits)

    def matches(self, method: str, template: str, path: str) -> bool:
        if self.method not in ("*", method):
            return False
        # Interaction endpoints are not bound to the bot's global rate limit ("Global Rate Limit").
        if self.global_ and template.startswith("/interactions/"):
            return False
        return self.pattern in ("*", template) or fnmatch.fnmatchcase(path, self.pattern)


@dataclass
class _Window:
    limit: int
    per: float
    started: float = 0.0
    used: int = 0

    def roll(self, now: float) -> None:
        if now - self.started >= self.per:
            self.started = now
            self.used = 0

    def reset_after(self, now: float) -> float:
        # Rounded up to the millisecond, so a client that waits what it is told finds the window reset.
        return max(0.0, math.ceil((self.per - (now - self.started)) * 1000) / 1000)


@dataclass(frozen=True)
class _RouteLimit:
    method: str
    pattern: str
    limit: int
    per: float


class RateLimits:
    def __init__(self) -> None:
        self.rules: list[RateLimitRule] = []
        #: Every 429 answered, oldest first (forced by a rule or past a narrowed window).
        self.hits: list[RateLimitHit] = []
        self._route_limits: list[_RouteLimit] = []
        self._windows: dict[tuple[str, str], _Window] = {}

    # --- what a test asks for ---------------------------------------------------------------------

    def rate_limit(
        self,
        method: str,
        route: str,
        *,
        times: int = 1,
        retry_after: float = 0.2,
        global_: bool = False,
        scope: str | None = None,
    ) -> RateLimitRule:
        """Answer the next ``times`` requests of ``method`` (``"*"``: any) on ``route`` with 429.

        ``route`` is a route as the local Discord names it (``"/channels/{channel_id}/messages"``), a
        path with ``fnmatch`` wildcards (``"/channels/123/messages*"``) or ``"*"`` (every route).
        ``global_`` makes it the global limit (scope ``global``); otherwise ``scope`` is ``user``
        (default) or ``shared``.
        """
        if times < 1 or retry_after < 0:
            raise ValueError("times must be >= 1 and retry_after >= 0")
        chosen = "global" if global_ else (scope or "user")
        if chosen not in SCOPES or (chosen == "global") != global_:
            raise ValueError(f"scope must be 'user' or 'shared' for a per-route limit, not {scope!r}")
        rule = RateLimitRule(method.upper(), route, times, retry_after, global_, chosen)
        self.rules.append(rule)
        return rule

    def limit_route(self, method: str, route: str, *, limit: int, per: float) -> None:
        """Give the buckets of ``method`` ``route`` a window of ``limit`` requests per ``per`` seconds.

        The headers say so, and a request past the window is answered 429 (scope ``user``) until it resets.
        Applies to buckets first used after the call.
        """
        if limit < 1 or per <= 0:
            raise ValueError("limit must be >= 1 and per > 0")
        self._route_limits.insert(0, _RouteLimit(method.upper(), route, limit, per))

    # --- the REST side ----------------------------------------------------------------------------

    @staticmethod
    @functools.lru_cache(maxsize=1024)
    def bucket(method: str, template: str) -> str:
        """A stable ``X-RateLimit-Bucket`` for a route: the same for every top-level resource (kept:
        each request asks for it three times, and there are only as many as there are routes)."""
        return hashlib.sha1(f"{method} {template}".encode()).hexdigest()[:16]

    def _window(self, method: str, template: str, path: str, major: str) -> _Window:
        key = (self.bucket(method, template), major)
        window = self._windows.get(key)
        if window is None:
            limit, per = DEFAULT_LIMIT, DEFAULT_PER
            for route_limit in self._route_limits:
                if route_limit.method in ("*", method) and (
                    route_limit.pattern in ("*", template) or fnmatch.fnmatchcase(path, route_limit.pattern)
                ):
                    limit, per = route_limit.limit, route_limit.per
                    break
            window = self._windows[key] = _Window(limit, per, started=time.monotonic())
        return window

    def admit(self, method: str, template: str, path: str, major: str) -> web.Response | None:
        """Count a request against its bucket; a 429 answer if a rule or the bucket's window refuses it."""
        now = time.monotonic()
        window = self._window(method, template, path, major)
        window.roll(now)
        route = f"{method} {template}"
        for rule in self.rules:
            if rule.remaining > 0 and rule.matches(method, template, path):
                hit = RateLimitHit(method, path, route, rule.retry_after, rule.global_, rule.scope, now)
                rule.hits.append(hit)
                self.hits.append(hit)
                return self._too_many(hit, window, now, bucket=self.bucket(method, template))
        if window.used >= window.limit:
            hit = RateLimitHit(method, path, route, window.reset_after(now), False, "user", now)
            self.hits.append(hit)
            return self._too_many(hit, window, now, bucket=self.bucket(method, template))
        window.used += 1
        return None

    def headers(self, method: str, template: str, path: str, major: str) -> dict[str, str]:
        """The route headers of an answer to a request :meth:`admit` let through."""
        now = time.monotonic()
        window = self._window(method, template, path, major)
        return _route_headers(window, now, self.bucket(method, template))

    def _too_many(self, hit: RateLimitHit, window: _Window, now: float, *, bucket: str) -> web.Response:
        message = "The resource is being rate limited." if hit.scope == "shared" else "You are being rate limited."
        body = {"message": message, "retry_after": hit.retry_after, "global": hit.global_}
        headers = {
            "Content-Type": "application/json",
            "Via": VIA,
            "Retry-After": str(math.ceil(hit.retry_after)),
            "X-RateLimit-Scope": hit.scope,
        }
        if hit.global_:
            headers["X-RateLimit-Global"] = "true"
        else:
            headers |= _route_headers(window, now, bucket, reset_after=hit.retry_after)
            if hit.scope == "user":
                headers["X-RateLimit-Remaining"] = "0"
        data = json.dumps(body, separators=(",", ":")).encode()
        return web.Response(status=429, body=data, headers=headers)


def _route_headers(window: _Window, now: float, bucket: str, *, reset_after: float | None = None) -> dict[str, str]:
    after = window.reset_after(now) if reset_after is None else reset_after
    return {
        "X-RateLimit-Limit": str(window.limit),
        "X-RateLimit-Remaining": str(max(0, window.limit - window.used)),
        "X-RateLimit-Reset": f"{time.time() + after:.3f}",
        "X-RateLimit-Reset-After": f"{after:.3f}",
        "X-RateLimit-Bucket": bucket,
    }
