"""The background sender: notifications go out on their own thread, so the engine never waits
for a webhook (docs/notify.md).

`submit` only appends to a bounded queue (the oldest notification gives way when it is full,
and the drop is counted and recorded); the `turnout-notify` thread posts each one with a
timeout per request and retries with a growing backoff measured on the sender's clock (a test
gives a `ManualClock`, so retries take no real time). Every delivery, every failed try and every
drop is written to the session's audit log. `finish(grace)` is the one wait: at the session's
end, up to `grace` seconds of real time for what is still queued, so that the log can say what
was delivered before its last record; whatever is left then is recorded as dropped and nothing
more is written.
"""

from __future__ import annotations

import contextlib
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tui import __version__
from tui.clock import Clock, SystemClock
from tui.notify.messages import Message, body
from tui.runbook.model import NotifyTarget
from tui.runbook.notify import shown_url
from tui.runbook.secrets import SECRETS

# A webhook answering one of these may answer later; any other 4xx will not change its mind.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
WAIT_STEP_S = 0.25  # how often a backoff looks whether the sender is being stopped


@dataclass(frozen=True)
class NotifyOptions:
    """How notifications are sent. `clock` measures the backoff (None: the wall clock);
    `timeout` is per request; `attempts` per notification, the n-th retry waiting
    `backoff * 2**(n-1)`; `grace` is how long the session's end waits for the queue (real
    seconds); `queue` how many notifications may wait. `extra`: targets beside the runbook's
    (a config file's)."""

    clock: Clock | None = None
    timeout: float = 5.0
    attempts: int = 4
    backoff: float = 1.0
    grace: float = 5.0
    queue: int = 100
    extra: tuple[NotifyTarget, ...] = ()


class DeliveryLog(Protocol):
    """What the sender records to (tui/audit/session_log_notify.py's `NotifyRecords`)."""

    def notify_sent(
        self, *, event: str, target: str, fmt: str, attempt: int, status: int, duration_s: float
    ) -> Any: ...

    def notify_failed(
        self,
        *,
        event: str,
        target: str,
        fmt: str,
        attempt: int,
        error: str,
        retry_in_s: float | None,
    ) -> Any: ...

    def notify_dropped(self, *, events: Sequence[str], reason: str) -> Any: ...


class Refused(Exception):
    """A webhook's answer that is not a delivery; `retry` says whether trying again may help."""

    def __init__(self, text: str, retry: bool) -> None:
        super().__init__(text)
        self.retry = retry


Post = Callable[[str, bytes, float], int]
"""Sends one body to one URL within a timeout; the HTTP status, or raises `Refused`."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a webhook that redirects is refused, not followed (the 3xx is an error)


_OPENER = urllib.request.build_opener(_NoRedirect)


def post_json(url: str, data: bytes, timeout: float) -> int:
    """POST `data` as JSON with the standard library; the status, or `Refused` (the text never
    holds the URL: the webhook is named as `shown_url` by whoever records it)."""
    if not url.lower().startswith(("https://", "http://")):
        raise Refused("only https:// and http:// webhooks are posted to", retry=False)
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": f"turnout/{__version__}"},
    )
    try:
        with _OPENER.open(request, timeout=timeout) as answer:
            answer.read(65536)
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        raise Refused(f"HTTP {exc.code} {exc.reason}", retry=exc.code in RETRY_STATUSES) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise Refused(f"no answer within {timeout:g}s", retry=True) from None
        raise Refused(f"could not connect: {reason}", retry=True) from None
    except TimeoutError:
        raise Refused(f"no answer within {timeout:g}s", retry=True) from None
    except (OSError, ValueError) as exc:
        raise Refused(f"{type(exc).__name__}: {exc}", retry=True) from None


@dataclass
class _Item:
    target: NotifyTarget
    message: Message


class Sender:
    """Delivers messages to the targets that hear them, on the `turnout-notify` thread."""

    def __init__(
        self,
        targets: Sequence[NotifyTarget],
        log: DeliveryLog,
        options: NotifyOptions | None = None,
        *,
        post: Post = post_json,
    ) -> None:
        self.targets = tuple(targets)
        self.options = options or NotifyOptions()
        self.clock: Clock = self.options.clock or SystemClock()
        self._log, self._post = log, post
        self._cond = threading.Condition()
        self._queue: deque[_Item] = deque()
        self._in_flight: _Item | None = None
        self._dropped: list[str] = []  # dropped since the last record of it
        self._stopping = False
        self._write = threading.Lock()
        self._closed = False  # nothing more is written to the log
        self.dropped = 0  # all the session's drops (for tests and the summary)
        self.delivered = 0
        self._thread = threading.Thread(target=self._run, name="turnout-notify", daemon=True)
        self._thread.start()

    # -- the engine's side: never blocks on the network --------------------------------------

    def submit(self, message: Message) -> None:
        """Queue `message` for every target that hears its event."""
        items = [_Item(t, message) for t in self.targets if message.event in t.events]
        if not items:
            return
        with self._cond:
            if self._stopping:
                return
            for item in items:
                if len(self._queue) >= self.options.queue:
                    self._dropped.append(self._queue.popleft().message.event)
                    self.dropped += 1
                self._queue.append(item)
            self._cond.notify_all()

    def unmade(self, what: str, exc: Exception) -> None:
        """A notification that could not be made from `what` (a bug): recorded as dropped."""
        reason = f"could not be made: {type(exc).__name__}: {exc}"
        self._record(self._log.notify_dropped, events=[what], reason=reason)

    def finish(self, grace: float | None = None) -> None:
        """Wait up to `grace` real seconds for every queued message to be delivered (or given
        up on), then stop: what is left is recorded as dropped, and nothing is written after."""
        wait = self.options.grace if grace is None else grace
        with self._cond:
            self._cond.wait_for(lambda: not self._queue and self._in_flight is None, wait)
            unsent = [self._in_flight] if self._in_flight is not None else []
            left = [i.message.event for i in (*unsent, *self._queue)]  # oldest first
            self._queue.clear()
            self._stopping = True
            dropped, self._dropped = self._dropped, []
            self._cond.notify_all()
        with self._write:
            if not self._closed:
                with contextlib.suppress(Exception):  # the log may be past taking records
                    if dropped:
                        self._log.notify_dropped(events=dropped, reason="the queue was full")
                    if left:
                        reason = "the session ended before it was delivered"
                        self._log.notify_dropped(events=left, reason=reason)
            self._closed = True

    def close(self) -> None:
        """Stop at once (the session is over, or never reached its end)."""
        self.finish(0.0)

    def wait_idle(self, timeout: float) -> bool:
        """Whether the queue emptied within `timeout` real seconds (tests)."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._queue and self._in_flight is None, timeout)

    # -- the sender's thread -----------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._queue or self._stopping)
                if self._stopping:
                    return
                item = self._in_flight = self._queue.popleft()
                dropped, self._dropped = self._dropped, []
            if dropped:
                self._record(self._log.notify_dropped, events=dropped, reason="the queue was full")
            try:
                self._deliver(item)
            finally:
                with self._cond:
                    self._in_flight = None
                    self._cond.notify_all()

    def _deliver(self, item: _Item) -> None:
        target, message = item.target, item.message
        data = body(SECRETS.data(message), target.format)
        shown = shown_url(target.url)
        for attempt in range(1, max(1, self.options.attempts) + 1):
            if self._stopping:
                return
            started = time.monotonic()
            try:
                status = self._post(target.url, data, self.options.timeout)
            except Refused as exc:
                last = attempt >= self.options.attempts or not exc.retry
                retry = None if last else self.options.backoff * 2 ** (attempt - 1)
                self._record(
                    self._log.notify_failed,
                    event=message.event,
                    target=shown,
                    fmt=target.format,
                    attempt=attempt,
                    error=SECRETS.text(str(exc)).replace(target.url, shown),
                    retry_in_s=retry,
                )
                if retry is None:
                    return
                self._wait(retry)
                continue
            self.delivered += 1
            self._record(
                self._log.notify_sent,
                event=message.event,
                target=shown,
                fmt=target.format,
                attempt=attempt,
                status=status,
                duration_s=time.monotonic() - started,
            )
            return

    def _wait(self, seconds: float) -> None:
        """A backoff on the sender's clock, given up when the sender is stopped."""
        due = self.clock.now().timestamp() + seconds
        while not self._stopping:
            left = due - self.clock.now().timestamp()
            if left <= 0:
                return
            self.clock.sleep(min(WAIT_STEP_S, left))

    def _record(self, write: Callable[..., Any], **payload: Any) -> None:
        with self._write:
            if self._closed:
                return
            with contextlib.suppress(Exception):  # a notification never breaks the session
                write(**payload)
