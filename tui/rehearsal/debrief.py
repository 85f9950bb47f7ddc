"""What users experienced during a drill, for the debrief: requests, errors, latency, faults."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Sample:
    """One simulator interval as users lived it."""

    at: datetime
    requests: int
    errors: int  # 5xx served to users, by targets or by the load balancer
    p99_latency: float


@dataclass
class Ledger:
    """The drill's record, appended by the simulator thread and read by the debrief."""

    samples: list[Sample] = field(default_factory=list)
    fault_started: dict[str, datetime] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, sample: Sample) -> None:
        """Add one interval."""
        with self._lock:
            self.samples.append(sample)

    def fault_began(self, name: str, at: datetime) -> None:
        """Note when a fault first took effect (kept once: the first time counts)."""
        with self._lock:
            self.fault_started.setdefault(name, at)

    def totals(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> tuple[int, int]:
        """Requests and errors served from `since` to `until` (each open when None)."""
        with self._lock:
            chosen = [
                s
                for s in self.samples
                if (since is None or s.at >= since) and (until is None or s.at <= until)
            ]
        return sum(s.requests for s in chosen), sum(s.errors for s in chosen)

    def first_errors_after(self, since: datetime, threshold: float = 0.01) -> datetime | None:
        """When users first saw an error rate above `threshold` at or after `since`."""
        with self._lock:
            for sample in self.samples:
                if (
                    sample.at >= since
                    and sample.requests
                    and (sample.errors / sample.requests > threshold)
                ):
                    return sample.at
        return None
