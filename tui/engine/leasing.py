"""One operator per target: a session's leases on every resource its runbook changes.

Taken all or none right after the identity check (tui/engine/session.py): a key another session
holds refuses the session (exit 5) with one message naming each holder, and the leases taken
meanwhile are given back, so a refusal changes nothing. `--break-lease` deletes the holders'
leases first (recorded `lease.broken`), except one whose pid is alive on this host. Renewed by
a small thread while the session lives and released at its end; a process that dies (kill -9)
leaves its leases behind, and `turnout resume` of the same session retakes them.

Expiry and renewal are on WALL time (`time.time`), never the engine clock: leases are read by
other machines and other processes, and a rehearsal's accelerated clock would expire them (or a
ManualClock freeze them) for everyone else.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from tui.audit.leases import HolderRecord, LeaseStore, describe_holder
from tui.audit.session_log import SessionLog, os_user
from tui.aws.protocol import Identity
from tui.errors import TurnoutError
from tui.exitcodes import ExitCode
from tui.runbook.model import Runbook
from tui.runbook.mutates import mutated_resources

LEASE_SECONDS = 600.0
"""How long a lease lasts unless renewed: long enough to ride out AWS being unreachable for a
few renewals, short enough that a dead holder shows as STALE within minutes."""
RENEW_EVERY = 120.0
"""Wall seconds between renewals."""

Refusal = tuple[ExitCode, str]


class Leasing:
    """The leases of one session, held in `store` and recorded in `log`."""

    def __init__(
        self,
        store: LeaseStore,
        log: SessionLog,
        *,
        wall: Callable[[], float] = time.time,
        ttl: float = LEASE_SECONDS,
        every: float = RENEW_EVERY,
        on_lost: Callable[[str], None] | None = None,
    ) -> None:
        self.store, self.log, self.wall = store, log, wall
        self.ttl, self.every = ttl, every
        self.on_lost = on_lost or (lambda text: None)
        self.held: list[HolderRecord] = []
        self.lost: list[str] = []
        self.session_id = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- taking ------------------------------------------------------------------------------

    def take(
        self, runbook: Runbook, identity: Identity, session_dir: str, *, break_lease: bool = False
    ) -> Refusal | None:
        """Take a lease on every resource `runbook` changes; a refusal (code, text) if not."""
        resources = mutated_resources(runbook)
        self.session_id = os.path.basename(os.path.normpath(session_dir))
        wanted = [
            self._holder(
                f"{identity.account}/{identity.region}/{r.resource}", identity, runbook, session_dir
            )
            for r in resources
        ]
        steps = {f"{identity.account}/{identity.region}/{r.resource}": r.steps for r in resources}
        taken: list[HolderRecord] = []
        try:
            refused = self._take_each(wanted, taken)
            if refused and break_lease:
                refused = self._break_and_retake(refused, taken)
        except TurnoutError as exc:
            self._give_back(taken)
            return ExitCode.INVALID_INPUT, (
                f"cannot take the leases on what {runbook.name} changes in {self.store.where}: "
                f"{exc}. Nothing was changed."
            )
        if refused:
            self._give_back(taken)
            text = self._refusal_text(runbook, refused, break_lease)
            held = [{k: v for k, v in h.items() if k not in ("wanted", "alive")} for h in refused]
            self.log.lease_refused(store=self.store.where, held=held, text=text)
            return ExitCode.REFUSED, text
        self.held = taken
        self.log.lease_taken(
            store=self.store.where,
            local_only=self.store.local_only,
            leases=[
                {
                    "lease_key": h["lease_key"],
                    "steps": list(steps[str(h["lease_key"])]),
                    "expires_at": h["expires_at"],
                }
                for h in taken
            ],
        )
        if taken:
            self._start_renewing()
        return None

    def _holder(
        self, key: str, identity: Identity, runbook: Runbook, session_dir: str
    ) -> dict[str, Any]:
        now = self.wall()
        return {
            "lease_key": key,
            "who": os_user(),
            "arn": identity.arn,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "session_id": self.session_id,
            "session_dir": session_dir,
            "runbook": runbook.name,
            "expires_at": round(now + self.ttl, 3),
        }

    def _take_each(
        self, wanted: list[dict[str, Any]], taken: list[HolderRecord]
    ) -> list[HolderRecord]:
        refused: list[HolderRecord] = []
        for holder in wanted:
            current = self.store.take(holder)
            if current is None:
                taken.append(holder)
            else:
                refused.append({**current, "wanted": holder})
        return refused

    def _break_and_retake(
        self, refused: list[HolderRecord], taken: list[HolderRecord]
    ) -> list[HolderRecord]:
        still: list[HolderRecord] = []
        for theirs in refused:
            mine = theirs["wanted"]
            previous = {k: v for k, v in theirs.items() if k != "wanted"}
            if _alive_here(previous):
                still.append({**theirs, "alive": True})
                continue
            key, sid = str(previous["lease_key"]), str(previous.get("session_id"))
            if self.store.break_lease(key, sid):
                self.log.lease_broken(
                    store=self.store.where,
                    lease_key=key,
                    previous_holder=previous,
                    who=self.log.operator,
                )
            current = self.store.take(mine)
            if current is None:
                taken.append(mine)
            else:
                still.append({**current, "wanted": mine})
        return still

    def _refusal_text(self, runbook: Runbook, refused: list[HolderRecord], broke: bool) -> str:
        now = self.wall()
        lines = [
            f"another session holds what {runbook.name} changes ({self.store.where}); "
            "refusing before any change:"
        ]
        for holder in refused:
            alive = (
                " (its pid is alive on this host: not broken)"
                if holder.get("alive")
                else " (its pid is not running on this host: it is dead)"
                if _dead_here(holder)
                else ""
            )
            lines.append(f"  {holder['lease_key']}: {describe_holder(holder, now)}{alive}")
        lines.append(
            "Wait for that session to end (it releases its leases at its end), or, if its "
            "holder is dead (killed, its machine gone: a STALE lease), run again with "
            "--break-lease (recorded in this session's log as lease.broken)."
            if not broke
            else "Those sessions are still running here: end them first."
        )
        return "\n".join(lines)

    # -- while the session lives --------------------------------------------------------------

    def _start_renewing(self) -> None:
        self._thread = threading.Thread(
            target=self._renew_loop, name="turnout-lease-renewer", daemon=True
        )
        self._thread.start()

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.every):
            self.renew()

    def renew(self) -> None:
        """Move every held lease's expiry to `ttl` from now (the renewer calls this); a lease
        found broken by another session is reported through `on_lost` and kept in `lost`."""
        with self._lock:
            until = round(self.wall() + self.ttl, 3)
            for holder in list(self.held):
                key = str(holder["lease_key"])
                try:
                    ours = self.store.renew(key, self.session_id, until)
                except TurnoutError:
                    continue  # AWS unreachable for now: the next renewal tries again
                if not ours:
                    self.held.remove(holder)
                    self.lost.append(key)
                    self.on_lost(
                        f"the lease on {key} was broken by another session (--break-lease): "
                        "this session no longer has the target to itself"
                    )

    def release(self) -> None:
        """Stop renewing and give every lease back, recording `lease.released`; idempotent."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        with self._lock:
            held, self.held = self.held, []
            if not held and not self.lost:
                return
            self._give_back(held)
            lost, self.lost = self.lost, []
        self.log.lease_released(
            store=self.store.where, lease_keys=[str(h["lease_key"]) for h in held], lost=lost
        )

    def _give_back(self, held: list[HolderRecord]) -> None:
        for holder in held:
            # On failure it is left to expire: the next session sees it STALE and may break it.
            with contextlib.suppress(TurnoutError):
                self.store.release(str(holder["lease_key"]), self.session_id)


def _dead_here(holder: Mapping[str, Any]) -> bool:
    """True if the holder was a process on this host that is not running any more."""
    return holder.get("host") == socket.gethostname() and not _alive_here(holder)


def _alive_here(holder: Mapping[str, Any]) -> bool:
    """True if the holder is a live process on this host (breaking its lease would be a lie)."""
    if holder.get("host") != socket.gethostname():
        return False
    try:
        pid = int(holder.get("pid") or 0)
    except (TypeError, ValueError):
        return False
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
