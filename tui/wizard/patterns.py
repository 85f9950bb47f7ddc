"""The upgrade patterns `turnout new` writes: for each, its template, the names it asks for and
the checks it offers. Templates and checks are data in tui/wizard/templates/."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True)
class Pattern:
    """One upgrade pattern: `template` is a file in templates/; `fields` the names asked (keys
    of FIELDS, in order); `checks` the keys of checks.yaml offered, in order."""

    key: str
    label: str
    template: str
    fields: tuple[str, ...]
    checks: tuple[str, ...]


PATTERNS: dict[str, Pattern] = {
    p.key: p
    for p in (
        Pattern(
            "instance-refresh",
            "Instance refresh: roll an Auto Scaling group onto a new AMI",
            "instance-refresh.yaml",
            (
                "group",
                "launch_template",
                "ami",
                "load_balancer",
                "target_group",
                "min_healthy",
                "healthy_before",
            ),
            ("alb_5xx_rate", "alb_p99_latency", "alb_healthy_hosts", "asg_cpu"),
        ),
        Pattern(
            "alb-canary",
            "ALB canary: shift a listener's traffic between two target groups in steps",
            "alb-canary.yaml",
            (
                "load_balancer",
                "port",
                "blue_target_group",
                "green_target_group",
                "canary_steps",
                "bake",
            ),
            ("green_5xx_rate", "green_p99_latency", "green_unhealthy_hosts"),
        ),
        Pattern(
            "route53-canary",
            "Route 53 canary: shift a name's weighted records in steps",
            "route53-canary.yaml",
            ("zone", "record", "blue_id", "green_id", "bake"),
            ("alb_total_5xx_rate", "alb_p99_latency"),
        ),
        Pattern(
            "rds-blue-green",
            "RDS Blue/Green: switch a database over to its green environment",
            "rds-blue-green.yaml",
            ("db_instance", "deployment", "snapshot", "switchover_timeout"),
            ("replica_lag", "database_connections", "db_dns_ttl", "rds_write_latency", "rds_cpu"),
        ),
        Pattern(
            "ecs-rolling",
            "ECS rolling: roll a service onto a new task definition",
            "ecs-rolling.yaml",
            ("cluster", "ecs_service", "task_definition"),
            ("ecs_cpu", "ecs_memory", "alb_5xx_rate"),
        ),
        Pattern(
            "multi-service",
            "Multi-service: several ASG and ECS services, upgraded in dependency order",
            "multi-service.yaml",
            ("ami",),
            (),
        ),
    )
}

# What a service of a multi-service runbook can be: its step template, names and checks.
SERVICE_KINDS: dict[str, Pattern] = {
    "asg": Pattern(
        "asg",
        "Auto Scaling group: instance refresh onto the new AMI",
        "parts/asg-service.yaml",
        ("group", "launch_template", "min_healthy"),
        ("alb_5xx_rate", "asg_cpu"),
    ),
    "ecs": Pattern(
        "ecs",
        "ECS service: rolling update onto a new task definition",
        "parts/ecs-service.yaml",
        ("cluster", "ecs_service", "task_definition"),
        ("ecs_cpu", "ecs_memory"),
    ),
}


def template_text(name: str) -> str:
    """The text of a template file in tui/wizard/templates/."""
    from importlib import resources  # here: `turnout --help` lists patterns, reads no template

    return resources.files("tui.wizard").joinpath("templates", name).read_text(encoding="utf-8")


@cache
def checks() -> dict[str, dict[str, Any]]:
    """The checks catalogue (templates/checks.yaml), by key."""
    import yaml  # here, not at the top: `turnout --help` lists the patterns without YAML

    return yaml.safe_load(template_text("checks.yaml"))
