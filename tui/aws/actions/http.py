"""Driver for `http.probe`: GET a URL until it answers the expected status (and text).

Attempts are spaced `interval` apart on the engine's clock, so a rehearsal at `--speed 30` does
not wait in wall time. In a rehearsal `ctx.http_hosts` maps the URL's host to the world's front
door on 127.0.0.1 (the Host header keeps the name), and neither proxies nor redirects are
followed, so a probe never reaches the internet.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tui.aws.actions.base import Driver
from tui.aws.context import AwsContext
from tui.aws.protocol import Progress
from tui.runbook.model import Step

_BODY_LIMIT = 1 << 20  # enough for a health page; never the whole of a large one


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is an answer to compare with `expect_status`, not somewhere else to go."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Probe(Driver):
    """Up to `attempts` GETs; done on the first that matches, failed after the last."""

    def __init__(self, ctx: AwsContext, step: Step) -> None:
        super().__init__(ctx, step)
        self.url = self.args["url"]
        self.expect = int(self.args["expect_status"])
        self.contains: str | None = self.args.get("contains")
        self.attempts = int(self.args["attempts"])
        self.interval = float(self.args["interval"])
        self.timeout = float(self.args["timeout"])
        self._tried = 0
        self._next: datetime | None = None
        self._last = ""

    def _target(self) -> tuple[str, dict[str, str], bool]:
        """The URL to open, its headers, and whether it was mapped to a rehearsal host."""
        parts = urlsplit(self.url)
        mapped = self.ctx.http_hosts.get(parts.hostname or "")
        if mapped is None:
            return self.url, {}, False
        return urlunsplit(parts._replace(netloc=mapped)), {"Host": parts.netloc}, True

    def _get(self) -> tuple[bool, str]:
        """One request: (healthy?, what was seen)."""
        url, headers, mapped = self._target()
        handlers: list[Any] = [_NoRedirects()]
        if mapped:  # loopback: an https_proxy/http_proxy in the environment must not apply
            handlers.append(urllib.request.ProxyHandler({}))
        opener = urllib.request.build_opener(*handlers)
        request = urllib.request.Request(url, headers={"User-Agent": "turnout", **headers})
        try:
            with opener.open(request, timeout=self.timeout) as answer:
                status, body = answer.status, answer.read(_BODY_LIMIT)
        except urllib.error.HTTPError as exc:  # 4xx/5xx (and 3xx, redirects being off)
            status, body = exc.code, exc.read(_BODY_LIMIT)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return False, f"GET {self.url} failed: {reason}"
        seen = f"GET {self.url} answered {status}"
        if status != self.expect:
            return False, f"{seen} (expected {self.expect})"
        if self.contains and self.contains not in body.decode("utf-8", "replace"):
            return False, f"{seen} without {self.contains!r} in the body"
        return True, seen

    def start(self) -> Progress:
        self._next = self.ctx.clock.now()
        return self.poll()

    def poll(self) -> Progress:
        now = self.ctx.clock.now()
        if self._next is None:  # polled after a resume: try at once
            self._next = now
        if self.progress.state in ("done", "failed") or now < self._next:
            return self.progress
        self._tried += 1
        ok, self._last = self._get()
        attempt = f"attempt {self._tried}/{self.attempts}"
        if ok:
            self.progress = Progress("done", f"{self._last} ({attempt})", 100.0)
        elif self._tried >= self.attempts:
            self.progress = Progress(
                "failed", f"{self._last} ({attempt})", reason=f"{self._last} after {attempt}"
            )
        else:
            self._next = now + timedelta(seconds=self.interval)
            self.progress = Progress(
                "running",
                f"{self._last} ({attempt}); next try in {self.interval:.0f} s",
                100.0 * self._tried / self.attempts,
            )
        return self.progress


DRIVERS = {"http.probe": Probe}
