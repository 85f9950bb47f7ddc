"""Guardrail evaluation on hand-made series: how datapoints become a decision."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import START
from tui.aws.protocol import Series
from tui.engine.guardrails import Watch, evaluate_guardrail, metric_key
from tui.runbook.loader import load_text
from tui.runbook.model import Guardrail

MINUTE = timedelta(minutes=1)


def guardrail(body: str) -> Guardrail:
    text = f"""
runbook: g
title: g
target: {{account: "123456789012", region: us-east-1}}
steps:
  - id: s
    action: wait
    with: {{duration: 1m}}
    guardrails:
      - name: g
{body}
"""
    return load_text(text).steps[0].guardrails[0]


def series(g: Guardrail, name: str, values: list[float | None]) -> dict[str, Series]:
    """`values[i]` is the datapoint of minute i after START (None: no datapoint)."""
    from tui.engine.guardrails import condition_metrics

    key = next(k for k, m in condition_metrics(g.condition).items() if m.name == name)
    points = tuple((START + i * MINUTE, float(v)) for i, v in enumerate(values) if v is not None)
    return {key: Series(key, points)}


ERRORS = """        metric: {namespace: T, name: Errors, stat: Sum}
        max: 1
        for: 3
        on_breach: rollback
"""


def at(minutes: float):
    return START + timedelta(minutes=minutes)


def test_three_breaching_periods_in_a_row_trigger_but_two_do_not() -> None:
    g = guardrail(ERRORS)
    two = evaluate_guardrail(g, series(g, "Errors", [0, 5, 5]), START, at(2.5))
    assert (two.run, two.decision, two.value, two.latest_breaching) == (2, None, 5.0, True)
    three = evaluate_guardrail(g, series(g, "Errors", [0, 5, 5, 5]), START, at(3.5))
    assert (three.run, three.decision) == (3, "rollback")


def test_a_healthy_period_resets_the_run() -> None:
    g = guardrail(ERRORS)
    ev = evaluate_guardrail(g, series(g, "Errors", [5, 5, 0, 5, 5]), START, at(4.5))
    assert (ev.run, ev.decision) == (2, None)


def test_the_period_filling_up_counts_once_it_has_a_value_and_is_never_missing() -> None:
    g = guardrail(ERRORS.replace("for: 3", "for: 2") + "        missing_data: breach\n")
    # minute 2 has no datapoint yet and we are 10 s into it: not missing, not counted
    ev = evaluate_guardrail(g, series(g, "Errors", [0, 5]), START, at(2 + 1 / 6))
    assert (ev.run, ev.decision, ev.missing_run) == (1, None, 0)
    # once minute 2 is over without a datapoint it is missing, and `breach` counts it
    ev = evaluate_guardrail(g, series(g, "Errors", [0, 5]), START, at(3 + 1 / 6))
    assert (ev.run, ev.decision, ev.missing_run) == (2, "rollback", 1)


def test_missing_data_ignore_neither_counts_nor_resets() -> None:
    g = guardrail(ERRORS + "        missing_data: ignore\n")
    ev = evaluate_guardrail(g, series(g, "Errors", [5, None, 5, None, 5]), START, at(4.5))
    assert (ev.run, ev.decision) == (3, "rollback")
    quiet = evaluate_guardrail(g, series(g, "Errors", [None, None, None, None]), START, at(4.5))
    assert (quiet.run, quiet.decision, quiet.value, quiet.missing_run) == (0, None, None, 4)


def test_missing_data_pause_asks_after_for_missing_periods_whatever_the_severity() -> None:
    g = guardrail(ERRORS + "        missing_data: pause\n")
    two = evaluate_guardrail(g, series(g, "Errors", [0, None, None]), START, at(3.1))
    assert (two.decision, two.missing_run) == (None, 2)
    three = evaluate_guardrail(g, series(g, "Errors", [0, None, None, None]), START, at(4.1))
    assert (three.decision, three.no_data, three.missing_run) == ("pause", True, 3)


def test_missing_data_breach_counts_missing_periods_as_breaching() -> None:
    g = guardrail(ERRORS + "        missing_data: breach\n")
    ev = evaluate_guardrail(g, series(g, "Errors", [5, None, None]), START, at(3.1))
    assert (ev.run, ev.decision) == (3, "rollback")


def test_the_breach_message_says_missing_data_when_that_is_what_breached() -> None:
    from tui.engine.watching import _evidence_text

    g = guardrail(ERRORS + "        missing_data: breach\n")
    ev = evaluate_guardrail(g, series(g, "Errors", [0.4, 5, None, None]), START, at(4.1))
    text = _evidence_text(ev)
    # The last value seen (5) breached, but the two periods after it had no data: both matter.
    assert "no data for 2 periods" in text and "last value 5.00" in text, text
    healthy_then_silent = series(g, "Errors", [0.4, 0.4, None, None, None])
    ev = evaluate_guardrail(g, healthy_then_silent, START, at(5.1))
    assert ev.decision == "rollback"
    assert "no data for 3 periods" in _evidence_text(ev), _evidence_text(ev)


def test_a_breach_message_rounds_the_value_as_a_person_reads_it() -> None:
    from tui.engine.watching import _evidence_text

    g = guardrail(ERRORS)
    ev = evaluate_guardrail(g, series(g, "Errors", [48.27586, 48.27586, 48.27586]), START, at(3.1))
    assert _evidence_text(ev).startswith("g is 48.3 (must be ≤ 1)"), _evidence_text(ev)


def test_the_breach_message_says_why_the_guardrail_matters() -> None:
    """A guardrail's `description:` was accepted and then dropped: the person asked to roll back
    never read the author's reason. It now ends the breach text and is in the plan."""
    from tui.engine.watching import _evidence_text
    from tui.runbook.plan import _guardrail

    g = guardrail(ERRORS + "        description: checkout fails for users\n")
    assert g.description == "checkout fails for users"
    ev = evaluate_guardrail(g, series(g, "Errors", [5, 5, 5]), START, at(3.1))
    assert _evidence_text(ev).endswith("Why it matters: checkout fails for users")
    assert "Why it matters" not in _evidence_text(
        evaluate_guardrail(guardrail(ERRORS), series(g, "Errors", [5, 5, 5]), START, at(3.1))
    )
    assert _guardrail(g)["description"] == "checkout fails for users"


def test_periods_before_the_step_started_do_not_count() -> None:
    g = guardrail(ERRORS)
    bad_before = series(g, "Errors", [5, 5, 5, 0, 0])
    ev = evaluate_guardrail(g, bad_before, at(3), at(4.5))
    assert (ev.run, ev.decision) == (0, None)


def test_metric_math_per_period_and_division_by_zero_is_missing() -> None:
    g = guardrail("""        expr: "100 * errors / requests"
        metrics:
          errors: {namespace: T, name: Errors, stat: Sum}
          requests: {namespace: T, name: Requests, stat: Sum}
        max: 1
        for: 2
        on_breach: pause
        missing_data: breach
""")
    data = {**series(g, "Errors", [1, 3, 0]), **series(g, "Requests", [1000, 100, 0])}
    ev = evaluate_guardrail(g, data, START, at(3.1))
    # minute 0: 0.1 % (ok), minute 1: 3 % (breach), minute 2: 0/0 → missing → breach
    assert (ev.run, ev.decision) == (2, "pause")
    assert ev.value == 3.0 and ev.metrics == {"errors": 3.0, "requests": 100.0}


GROUP = """        {kind}:
          - {{metric: {{namespace: T, name: Errors, stat: Sum}}, max: 1}}
          - {{metric: {{namespace: T, name: Latency, stat: p99}}, max: 0.5}}
        for: 2
        on_breach: rollback
"""


def test_all_breaches_when_any_inner_condition_is_out_of_band() -> None:
    g = guardrail(GROUP.format(kind="all"))
    data = {**series(g, "Errors", [5, 0, 5]), **series(g, "Latency", [0.1, 0.9, 0.1])}
    ev = evaluate_guardrail(g, data, START, at(2.5))
    assert (ev.run, ev.decision, ev.value) == (3, "rollback", 1.0)


def test_any_breaches_only_when_every_inner_condition_is_out_of_band() -> None:
    g = guardrail(GROUP.format(kind="any"))
    one_bad = {**series(g, "Errors", [5, 5, 5]), **series(g, "Latency", [0.1, 0.1, 0.1])}
    assert evaluate_guardrail(g, one_bad, START, at(2.5)).decision is None
    both = {**series(g, "Errors", [5, 5, 5]), **series(g, "Latency", [0.1, 0.9, 0.9])}
    ev = evaluate_guardrail(g, both, START, at(2.5))
    assert (ev.run, ev.decision, ev.value) == (2, "rollback", 2.0)


def test_any_with_one_inner_missing_and_the_other_bad_is_missing_not_healthy() -> None:
    g = guardrail(GROUP.format(kind="any") + "        missing_data: breach\n")
    data = {**series(g, "Errors", [5, 5, 5]), **series(g, "Latency", [0.9, None, None])}
    ev = evaluate_guardrail(g, data, START, at(3.1))
    assert (ev.run, ev.decision) == (3, "rollback")


def test_an_acknowledged_breach_asks_again_only_after_for_more_breaching_periods() -> None:
    g = guardrail(ERRORS)
    watch = Watch([g], START)
    data = series(g, "Errors", [5, 5, 5])
    (ev,) = watch.evaluate(data, at(2.5))
    assert ev.decision == "rollback"
    watch.acknowledge(ev, at(2.5))
    # minutes 3 and 4 breach; minute 5 is filling up and has no datapoint yet
    (ev,) = watch.evaluate(series(g, "Errors", [5] * 5), at(5.5))
    assert (ev.run, ev.decision) == (2, None)
    (ev,) = watch.evaluate(series(g, "Errors", [5] * 6), at(5.5))
    assert (ev.run, ev.decision) == (3, "rollback")


def test_one_query_per_distinct_metric_across_guardrails() -> None:
    g = guardrail(GROUP.format(kind="all"))
    h = guardrail(ERRORS)
    watch = Watch([g, h], START)
    keys = [r.key for r in watch.requests(at(10))]
    assert len(keys) == 2 and len(set(keys)) == 2
    assert metric_key(h.condition.metric) in keys  # type: ignore[union-attr]
