"""Rate limits per user or client address, counted in Django's cache ("limits" alias).

A limit is named in `settings.RATE_LIMITS` as (how many, per how many seconds) and counted in
fixed windows of that length: `take` uses one and answers how long to wait when none is left,
`wait` only looks. The count is per process unless the "limits" cache is shared
(MODELHUB_LIMITS_CACHE_URL, docs/deploy.md)."""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import ngettext

CACHE_ALIAS = "limits"


@dataclass(frozen=True)
class RateLimit:
    name: str
    limit: int
    period: int

    def _key(self, who: str, window: int) -> str:
        # Who is hashed: a cache key must be short and safe whatever the e-mail or address.
        digest = hashlib.sha256(str(who).encode()).hexdigest()[:32]
        return f"limit:{self.name}:{digest}:{window}"

    def _window(self, now: float) -> tuple[int, int]:
        """The current window and the seconds left in it (at least 1)."""
        window = int(now // self.period)
        return window, max(1, math.ceil((window + 1) * self.period - now))

    def wait(self, who) -> int:
        """Seconds until `who` may go again: 0 if a use is left in this window."""
        window, left = self._window(time.time())
        used = caches[CACHE_ALIAS].get(self._key(who, window), 0)
        return left if used >= self.limit else 0

    def take(self, who) -> int:
        """Uses one for `who`: 0 if that was allowed, else the seconds to wait."""
        window, left = self._window(time.time())
        cache = caches[CACHE_ALIAS]
        key = self._key(who, window)
        cache.add(key, 0, timeout=self.period + 1)
        try:
            used = cache.incr(key)
        except ValueError:  # the window ended between add and incr
            cache.add(key, 1, timeout=self.period + 1)
            used = 1
        return left if used > self.limit else 0


def rate_limit(name: str) -> RateLimit:
    """The limit `name` as configured now (settings.RATE_LIMITS)."""
    limit, period = settings.RATE_LIMITS[name]
    return RateLimit(name=name, limit=limit, period=period)


def try_again_text(seconds: int) -> str:
    """“Try again in 3 minutes.” for a wait, rounded up to whole minutes past one minute."""
    if seconds < 60:
        count = max(1, seconds)
        return ngettext(
            "Try again in %(count)d second.", "Try again in %(count)d seconds.", count
        ) % {"count": count}
    count = math.ceil(seconds / 60)
    return ngettext("Try again in %(count)d minute.", "Try again in %(count)d minutes.", count) % {
        "count": count
    }


def period_text(seconds: int) -> str:
    """“an hour”, “15 minutes”, “a minute”: the window of a limit, for messages."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("an hour", "%(count)d hours", hours) % {"count": hours}
    minutes = max(1, seconds // 60)
    return ngettext("a minute", "%(count)d minutes", minutes) % {"count": minutes}
