"""How a CloudWatch alarm decides its state from datapoints: pure rules, no moto.

The rules are those of the CloudWatch User Guide, "Evaluating an alarm" and "How alarm state is
evaluated when data is missing", including both of its example tables:
- the alarm looks at an *evaluation range* of the EvaluationPeriods + 2 most recent periods
  (the guide's example retrieves 5 datapoints for 3 evaluation periods);
- if at least EvaluationPeriods datapoints exist there, the most recent EvaluationPeriods of them
  are evaluated and TreatMissingData plays no part;
- otherwise the missing ones are filled, as few as possible, per TreatMissingData: `breaching`
  and `notBreaching` count them so; `ignore` keeps the current state unless the real datapoints
  decide; `missing` gives INSUFFICIENT_DATA unless the real datapoints decide, except that
  breaching datapoints older than the newest EvaluationPeriods periods, with nothing after them
  (the metric stopped flowing while breaching), still give ALARM (the guide's sixth row);
- ALARM when at least DatapointsToAlarm of the evaluated datapoints breach, else OK.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

OPERATORS = {
    "GreaterThanOrEqualToThreshold": (lambda v, t: v >= t, "greater than or equal to"),
    "GreaterThanThreshold": (lambda v, t: v > t, "greater than"),
    "LessThanThreshold": (lambda v, t: v < t, "less than"),
    "LessThanOrEqualToThreshold": (lambda v, t: v <= t, "less than or equal to"),
}
TREATMENTS = ("missing", "ignore", "breaching", "notBreaching")


def evaluation_range(evaluation_periods: int) -> int:
    """How many of the most recent periods an alarm retrieves when it evaluates."""
    return evaluation_periods + 2


@dataclass
class Decision:
    """The outcome of one evaluation: a state (None keeps the current one) and why."""

    state: str | None
    reason: str
    reason_data: str


def _stamp(t: datetime) -> str:
    return t.strftime("%d/%m/%y %H:%M:%S")


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _num(v: float) -> str:
    return repr(float(v))


def decide(
    slots: list[tuple[datetime, float | None]],
    *,
    operator: str,
    threshold: float,
    evaluation_periods: int,
    datapoints_to_alarm: int,
    treat_missing: str,
    query_date: datetime,
    statistic: str,
    period: int,
) -> Decision:
    """The alarm state for `slots` (oldest first; None = no datapoint in that period)."""
    breaches, phrase = OPERATORS[operator]
    n, m = evaluation_periods, datapoints_to_alarm
    existing = [(t, v) for t, v in slots if v is not None]
    if len(existing) >= n:
        evaluated = existing[-n:]
        filled = 0
    else:
        evaluated = existing
        filled = n - len(existing)
    breaching = sum(1 for _, v in evaluated if breaches(v, threshold))
    non_breaching = len(evaluated) - breaching
    if filled and treat_missing == "breaching":
        breaching += filled
    elif filled and treat_missing == "notBreaching":
        non_breaching += filled

    data = {
        "version": "1.0",
        "queryDate": _iso(query_date),
        "statistic": statistic,
        "period": period,
        "recentDatapoints": [v for _, v in evaluated],
        "threshold": threshold,
        "evaluatedDatapoints": [{"timestamp": _iso(t), "value": v} for t, v in reversed(evaluated)],
    }
    if evaluated:
        data["startDate"] = _iso(evaluated[0][0])
    points = ", ".join(f"{_num(v)} ({_stamp(t)})" for t, v in reversed(evaluated))
    missing_note = (
        f" and {filled} missing datapoint{'s' if filled != 1 else ''} treated as [{treat_missing}]"
        if filled and treat_missing in ("breaching", "notBreaching")
        else ""
    )

    state: str | None
    if breaching >= m:
        state = "ALARM"
        reason = (
            f"Threshold Crossed: {breaching} out of the last {n} datapoints [{points}]"
            f"{missing_note} {'was' if breaching == 1 else 'were'} {phrase} the threshold "
            f"({_num(threshold)}) (minimum {m} datapoint{'s' if m != 1 else ''} for "
            "OK -> ALARM transition)."
        )
    elif non_breaching > 0:
        state = "OK"
        reason = (
            f"Threshold Crossed: {non_breaching} out of the last {n} datapoints [{points}]"
            f"{missing_note} {'was' if non_breaching == 1 else 'were'} not {phrase} the "
            f"threshold ({_num(threshold)}) (minimum {n - m + 1} datapoint"
            f"{'s' if n - m + 1 != 1 else ''} for ALARM -> OK transition)."
        )
    elif treat_missing == "ignore":
        state = None
        reason = "Missing data ignored: the current state is kept."
    elif existing and all(t < slots[-n][0] for t, _ in existing):
        # The metric stopped flowing while breaching: the guide's sixth row gives ALARM.
        state = "ALARM"
        reason = (
            f"Threshold Crossed: no datapoints were received for the last {n} periods; the "
            f"most recent datapoints [{points}] were {phrase} the threshold ({_num(threshold)})."
        )
    else:
        state = "INSUFFICIENT_DATA"
        reason = (
            f"Insufficient Data: {len(existing)} datapoint{'s' if len(existing) != 1 else ''} "
            f"received in the last {len(slots)} periods; {m} breaching or 1 non-breaching "
            "datapoint needed to decide."
        )
    return Decision(state, reason, json.dumps(data))
