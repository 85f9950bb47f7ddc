"""Benchmark: validate + plan a runbook of 500 services and 2,000 steps.

Generates the runbook (random acyclic dependencies, a mix of actions with guardrails and
preconditions), then times `load_runbook` + `plan_document` over several runs and prints the
median, and the peak memory of one run (tracemalloc). Targets: under 300 ms and under 100 MB.

    PYTHONPATH=. python bench/plan_large.py [--runs 7] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from tui.runbook.loader import load_runbook
from tui.runbook.plan import plan_document

SERVICES, STEPS = 500, 2000
TARGET_MS, TARGET_MB = 300, 100

# Step bodies (after `id:` and `service:`), indented by four spaces; {n} is the step number.
_STEP_KINDS = [
    """\
    action: wait
    with: {{duration: 30s}}""",
    """\
    action: ecs.update_service
    confirm: true
    with: {{cluster: shop, service: svc-{n}, task_definition: "svc-{n}:2",
           maximum_percent: 150}}""",
    """\
    action: elbv2.set_weights
    with: {{load_balancer: web-alb, weights: {{blue: 50, green: 50}}}}""",
    """\
    action: autoscaling.instance_refresh
    with: {{group: "${{group}}", min_healthy_percentage: 75, checkpoints: [50, 100]}}
    guardrails:
      - name: errors
        expr: "100 * errors / requests"
        metrics:
          errors: {{namespace: AWS/ApplicationELB, name: HTTPCode_Target_5XX_Count, stat: Sum,
                   dimensions: {{LoadBalancer: {{load_balancer: web-alb}}}}}}
          requests: {{namespace: AWS/ApplicationELB, name: RequestCount, stat: Sum,
                     dimensions: {{LoadBalancer: {{load_balancer: web-alb}}}}}}
        max: 1
        for: 3
        on_breach: rollback""",
    """\
    action: route53.set_weights
    with: {{zone: shop.example.com., record: app.shop.example.com,
           weights: {{blue: 90, green: 10}}}}
    preconditions:
      - {{route53_ttl: {{zone: shop.example.com., record: app.shop.example.com}}, max: 5}}""",
]


def generate(seed: int) -> str:
    """The text of a valid runbook with SERVICES services and STEPS steps."""
    rng = random.Random(seed)
    lines = [
        "runbook: large",
        "title: Large generated runbook",
        'target: {account: "123456789012", region: us-east-1}',
        "params:",
        "  group: {default: web-asg}",
        "services:",
    ]
    for i in range(SERVICES):
        deps = rng.sample(range(i), min(i, rng.randint(0, 3)))
        lines.append(f"  svc-{i}: {{depends_on: [{', '.join(f'svc-{d}' for d in deps)}]}}")
    lines.append("steps:")
    for n in range(STEPS):
        kind = rng.choice(_STEP_KINDS).format(n=n)
        lines.append(f"  - id: step-{n}\n    service: svc-{rng.randrange(SERVICES)}\n{kind}")
    return "\n".join(lines) + "\n"


def validate_and_plan(path: Path) -> dict:
    """What `turnout plan --json` does, without printing."""
    return plan_document(load_runbook(path))


def main() -> None:
    """Print the median time and the peak memory against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.yaml"
        path.write_text(generate(args.seed))
        doc = validate_and_plan(path)  # warm-up, and a check that the runbook is what we claim
        assert len(doc["steps"]) == STEPS and sum(map(len, doc["waves"])) == SERVICES
        times, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            validate_and_plan(path)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        tracemalloc.start()
        validate_and_plan(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    median, peak_mb = statistics.median(times), peak / 1e6
    size_kb = len(generate(args.seed)) / 1000
    waves = len(doc["waves"])
    print(f"runbook: {SERVICES} services, {STEPS} steps, {waves} waves, {size_kb:.0f} kB of YAML")
    print(
        f"validate+plan median of {args.runs}: {median:.0f} ms "
        f"(min {min(times):.0f}, max {max(times):.0f}) "
        f"target < {TARGET_MS} ms: {'ok' if median < TARGET_MS else 'MISSED'}"
    )
    # On a shared machine wall time includes waiting for a core; CPU time is what the run costs.
    print(f"validate+plan CPU time median: {statistics.median(cpu):.0f} ms")
    print(
        f"peak memory (tracemalloc): {peak_mb:.1f} MB  target < {TARGET_MB} MB: "
        f"{'ok' if peak_mb < TARGET_MB else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
