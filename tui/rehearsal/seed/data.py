"""The data tier and DNS: the orders MySQL database, its Blue/Green deployment, Route 53."""

from __future__ import annotations

from typing import Any

from tui.rehearsal import names


def _record(name: str, kind: str, value: str, identifier: str | None, weight: int | None) -> dict:
    record: dict[str, Any] = {
        "Name": name,
        "Type": kind,
        "TTL": 5,
        "ResourceRecords": [{"Value": value}],
    }
    if identifier is not None:
        record |= {"SetIdentifier": identifier, "Weight": weight}
    return {"Action": "UPSERT", "ResourceRecordSet": record}


def seed_data(clients: Any, ids: dict[str, str]) -> dict[str, str]:
    """Create the database, its Blue/Green deployment and the hosted zone; return their ids."""
    rds, route53 = clients.client("rds"), clients.client("route53")
    db = rds.create_db_instance(
        DBInstanceIdentifier=names.DB_INSTANCE,
        DBInstanceClass="db.t3.medium",
        Engine="mysql",
        EngineVersion="8.0.36",
        MasterUsername="admin",
        MasterUserPassword="rehearsal-only-password",
        AllocatedStorage=50,
        BackupRetentionPeriod=7,
    )["DBInstance"]
    out = {"db_instance": db["DBInstanceArn"]}
    out["blue_green"] = rds.create_blue_green_deployment(
        BlueGreenDeploymentName=names.BLUE_GREEN,
        Source=db["DBInstanceArn"],
        TargetEngineVersion="8.4.3",
    )["BlueGreenDeployment"]["BlueGreenDeploymentIdentifier"]
    endpoint = rds.describe_db_instances(DBInstanceIdentifier=names.DB_INSTANCE)["DBInstances"][0]
    db_host = endpoint.get("Endpoint", {}).get("Address", f"{names.DB_INSTANCE}.rds.internal")

    zone = route53.create_hosted_zone(Name=names.HOSTED_ZONE, CallerReference="turnout-rehearsal")[
        "HostedZone"
    ]["Id"]
    out["hosted_zone"] = zone.rsplit("/", 1)[-1]
    route53.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={
            "Changes": [
                _record(names.APP_RECORD, "A", "10.0.1.10", "blue", 100),
                _record(names.APP_RECORD, "A", "10.0.2.10", "green", 0),
                _record(names.DB_RECORD, "CNAME", db_host, None, None),
            ]
        },
    )
    return out
