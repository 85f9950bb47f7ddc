"""The fidelity extensions in one explicit list: what `fidelity.install` patches moto with and
`fidelity.tick` moves.

An extension is a module with `install(time)` (patch moto through `patching`, so a second
install stacks nothing, the patches reading the world's `WorldTime`) and `tick(time, now)`
(bring its state up to `now`). A new extension is added here; it must not depend on where in the
list it stands. The other modules of the package are helpers
the extensions share.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# Module names under this package, by service, then what serves every service.
NAMES = (
    "autoscaling.instance_refresh",
    "autoscaling.launch_templates",
    "autoscaling.mixed_instances",
    "autoscaling.scaling_activities",
    "cloudwatch.alarm_actions",
    "cloudwatch.alarm_evaluation",
    "cloudwatch.alarm_history",
    "cloudwatch.metric_listing",
    "cloudwatch.metric_math",
    "cloudwatch.metric_percentiles",
    "cloudwatch.metric_timestamps",
    "ec2.elastic_ip_moves",
    "ec2.instance_status_checks",
    "ecs.rollout",
    "elbv2.forward_weights",
    "elbv2.target_health",
    "iam.access_control",
    "iam.simulate_principal",
    "rds.blue_green",
    "route53.change_status",
    "route53.record_weights",
    "servicequotas.ec2_quotas",
    "role_sessions",
    "throttling",
    "world_timestamps",
)

EXTENSIONS: tuple[ModuleType, ...] = tuple(
    importlib.import_module(f"{__package__}.{name}") for name in NAMES
)
