"""A second person, for the engine's approval tests: a thread that waits (on a condition: the
log's `approval.requested`) and delivers decisions exactly as `turnout approve` does."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.audit.approval_inbox import deliver, waiting_requests
from tui.audit.chain import read_log

OPERATOR_ARN = "arn:aws:iam::123456789012:user/tester"  # FakeCloud's identity
BOB = {"arn": "arn:aws:sts::123456789012:assumed-role/ops/bob", "os_user": "bob", "host": "b"}
SLICE = 0.05
TRIES = 4000  # 200 s at most: a wedged test fails, it does not hang the suite


def approver(session_parent: Path, *, each: Callable[[Any], None]) -> threading.Thread:
    """A thread that waits for a request in the latest session under `session_parent`, then
    calls `each((session_dir, request))` once for every request it sees, until `finish`."""

    def run() -> None:
        seen: set[int] = set()
        pause = threading.Event()
        for _ in range(TRIES):
            dirs = [d for d in session_parent.glob("s*") if (d / "audit.jsonl").exists()]
            if dirs:
                for request in waiting_requests(dirs[-1]):
                    if request.seq not in seen:
                        seen.add(request.seq)
                        try:
                            each((dirs[-1], request))
                        except Exception as exc:  # never leave the session waiting forever
                            deliver(
                                dirs[-1], request, "deny", f"test approver failed: {exc!r}", BOB
                            )
                if (dirs[-1] / ".done").exists():
                    return
            pause.wait(SLICE)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def decide(decision: str, who: dict[str, str] = BOB, reason: str = "") -> Callable[[Any], None]:
    """`each` for `approver`: deliver one decision."""
    return lambda found: deliver(found[0], found[1], decision, reason, who)


def until_logged(session_dir: Path, kind: str, count: int = 1) -> None:
    """Wait until the log holds `count` records of type `kind`."""
    pause = threading.Event()
    for _ in range(TRIES):
        if sum(r.type == kind for r in read_log(session_dir).records) >= count:
            return
        pause.wait(SLICE)
    raise AssertionError(f"{kind} never logged")


def finish(drive_result: Any) -> None:
    """Tell the approver thread the session is over."""
    (drive_result.dir / ".done").touch()
