"""The names `turnout new` asks for: the question, the default, and where `--from-aws` finds
the choices. Defaults are the rehearsal world's names (docs/rehearsal-world.md), so a runbook
written by pressing Enter throughout rehearses unchanged."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One value the wizard asks for.

    `type` is the runbook param type it is declared as; `source` names the `Inventory` listing
    that `--from-aws` offers (None: typed in); `param` False means the value is written into the
    runbook literally (set identifiers used as mapping keys, which `${}` cannot reach).
    """

    name: str
    question: str
    default: str
    description: str
    type: str = "string"
    source: str | None = None
    pattern: str | None = None
    param: bool = True


def _fields(*fields: Field) -> dict[str, Field]:
    return {f.name: f for f in fields}


FIELDS: dict[str, Field] = _fields(
    Field("group", "Auto Scaling group", "web-asg", "The Auto Scaling group.", source="asg"),
    Field(
        "launch_template",
        "Its launch template",
        "web-lt",
        "The launch template the group launches from.",
        source="launch_template",
    ),
    Field(
        "ami",
        "The new AMI id",
        "ami-0000000000000b002",
        "The AMI to roll out.",
        pattern="^ami-[0-9a-f]{8,17}$",
    ),
    Field(
        "load_balancer",
        "Application Load Balancer in front of it",
        "web-alb",
        "The ALB whose metrics are watched.",
        source="load_balancer",
    ),
    Field(
        "target_group",
        "The group's target group",
        "web-blue",
        "The target group the instances are registered in.",
        source="target_group",
    ),
    Field(
        "min_healthy",
        "Percent of capacity kept in service while replacing",
        "90",
        "MinHealthyPercentage: sets the batch size.",
        type="integer",
    ),
    Field(
        "healthy_before",
        "Healthy targets required before starting",
        "4",
        "Refuse to start with fewer healthy targets than this.",
        type="integer",
    ),
    Field(
        "blue_target_group",
        "Target group serving now (blue)",
        "web-blue",
        "The target group traffic leaves.",
        source="target_group",
    ),
    Field(
        "green_target_group",
        "Target group taking over (green)",
        "web-green",
        "The target group traffic moves to.",
        source="target_group",
    ),
    Field("port", "Listener port", "80", "The listener whose weights change.", type="integer"),
    Field(
        "canary_steps",
        "Canary steps: percent of traffic on green after each",
        "5,25,50,100",
        "Percent of traffic on green after each step.",
        type="list[integer]",
    ),
    Field(
        "bake", "Bake time at each step", "5m", "How long each step is watched.", type="duration"
    ),
    Field(
        "zone",
        "Hosted zone",
        "shop.example.com.",
        "The Route 53 hosted zone.",
        source="hosted_zone",
    ),
    Field(
        "record",
        "Weighted record name",
        "app.shop.example.com",
        "The weighted name.",
    ),
    Field(
        "blue_id",
        "Set identifier of the record serving now",
        "blue",
        "The weighted record traffic leaves.",
        param=False,
    ),
    Field(
        "green_id",
        "Set identifier of the record taking over",
        "green",
        "The weighted record traffic moves to.",
        param=False,
    ),
    Field(
        "db_instance",
        "The blue DB instance",
        "orders-db",
        "The DB instance switched over.",
        source="db_instance",
    ),
    Field(
        "deployment",
        "The RDS Blue/Green deployment (by name)",
        "orders-bgd",
        "The Blue/Green deployment, by name.",
        source="blue_green",
    ),
    Field(
        "snapshot",
        "Name of the snapshot taken first",
        "orders-db-before-switchover",
        "The snapshot taken before the switchover.",
        pattern="^[A-Za-z][A-Za-z0-9-]{0,254}$",
    ),
    Field(
        "db_record",
        "DNS name the applications connect to",
        "db.shop.example.com",
        "The name whose TTL is checked.",
    ),
    Field(
        "switchover_timeout",
        "Switchover timeout (30s to 1h)",
        "5m",
        "SwitchoverTimeout: AWS undoes the switchover after this long.",
        type="duration",
    ),
    Field("cluster", "ECS cluster", "shop", "The ECS cluster.", source="ecs_cluster"),
    Field("ecs_service", "ECS service", "api", "The ECS service.", source="ecs_service"),
    Field(
        "task_definition",
        "Task definition to roll out (family:revision)",
        "api:2",
        "The task definition to roll out.",
        source="task_definition",
        pattern="^[A-Za-z0-9_-]+(:[0-9]+)?$",
    ),
)
