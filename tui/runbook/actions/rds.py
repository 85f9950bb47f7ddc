"""RDS actions: snapshots, and Blue/Green deployments (a synced new replica, then a switchover)."""

from __future__ import annotations

from tui.runbook.actions.spec import ActionSpec, arg
from tui.runbook.durations import Duration
from tui.runbook.model import Risk
from tui.runbook.values import ValueType as T

CREATE_SNAPSHOT = ActionSpec(
    name="rds.create_snapshot",
    summary="Take a manual snapshot of a DB instance and wait until it is available.",
    risk=Risk.MUTATING,
    args=(
        arg("instance", T.STRING, "The DB instance identifier.", required=True),
        arg(
            "snapshot",
            T.STRING,
            "The snapshot identifier (unique in the account).",
            required=True,
            pattern=r"^[A-Za-z][A-Za-z0-9-]{0,254}$",
        ),
        arg("wait", T.BOOLEAN, "Wait until the snapshot is available.", default=True),
        arg("timeout", T.DURATION, "How long to wait for it.", default=Duration(3600), minimum=60),
    ),
    operations=("rds.DescribeDBInstances", "rds.CreateDBSnapshot", "rds.DescribeDBSnapshots"),
    undo="Keeps the snapshot: it is the rollback point. Delete it by hand once the upgrade has"
    " settled.",
    records="The snapshot identifier and ARN.",
)

CREATE_BLUE_GREEN = ActionSpec(
    name="rds.create_blue_green",
    summary="Create an RDS Blue/Green deployment: a green copy of the database kept in sync by "
    "replication, optionally on a new engine version; wait until it is AVAILABLE.",
    risk=Risk.MUTATING,
    args=(
        arg("name", T.STRING, "The Blue/Green deployment's name.", required=True),
        arg("source", T.STRING, "The blue DB instance identifier.", required=True),
        arg("engine_version", T.STRING, "The green environment's engine version (optional)."),
        arg("parameter_group", T.STRING, "The green environment's DB parameter group (optional)."),
        arg("instance_class", T.STRING, "The green environment's instance class (optional)."),
        arg(
            "timeout",
            T.DURATION,
            "How long to wait for AVAILABLE.",
            default=Duration(7200),
            minimum=60,
        ),
    ),
    operations=(
        "rds.DescribeDBInstances",
        "rds.CreateBlueGreenDeployment",
        "rds.DescribeBlueGreenDeployments",
    ),
    undo="Deletes the Blue/Green deployment and its green instances; blue is untouched.",
    undo_operations=("rds.DeleteBlueGreenDeployment", "rds.DescribeBlueGreenDeployments"),
    records="The Blue/Green deployment's identifier and its green instances.",
)

SWITCHOVER_BLUE_GREEN = ActionSpec(
    name="rds.switchover_blue_green",
    summary="Switch an RDS Blue/Green deployment over: green takes blue's endpoints; writes stop "
    "until the switchover completes or times out (AWS then rolls it back by itself).",
    risk=Risk.IRREVERSIBLE,
    args=(
        arg("deployment", T.STRING, "The Blue/Green deployment, by name.", required=True),
        arg(
            "timeout",
            T.DURATION,
            "SwitchoverTimeout: AWS gives up and undoes the switchover "
            "after this long (30s-3600s).",
            default=Duration(300),
            minimum=30,
            maximum=3600,
        ),
    ),
    operations=("rds.DescribeBlueGreenDeployments", "rds.SwitchoverBlueGreenDeployment"),
    undo="None by turnout: once it has completed, the old blue instances are kept (renamed "
    "-old1) but going back is a manual restore or a new Blue/Green deployment.",
    records="The deployment's status and the source and target instance identifiers before it.",
)

ACTIONS = (CREATE_SNAPSHOT, CREATE_BLUE_GREEN, SWITCHOVER_BLUE_GREEN)
