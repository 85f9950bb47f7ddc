"""The data tier and DNS: the orders and inventory MySQL databases, the orders Blue/Green
deployment, and the Route 53 zone with its weighted app record and database CNAMEs."""

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


def _database(rds: Any, identifier: str, version: str) -> dict[str, Any]:
    return rds.create_db_instance(
        DBInstanceIdentifier=identifier,
        DBInstanceClass="db.t3.medium",
        Engine="mysql",
        EngineVersion=version,
        MasterUsername="admin",
        MasterUserPassword="rehearsal-only-password",
        AllocatedStorage=50,
        BackupRetentionPeriod=7,
    )["DBInstance"]


def _endpoint(rds: Any, identifier: str) -> str:
    found = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
    return found.get("Endpoint", {}).get("Address", f"{identifier}.rds.internal")


def seed_data(clients: Any, ids: dict[str, str]) -> dict[str, str]:
    """Create the database, its Blue/Green deployment and the hosted zone; return their ids."""
    rds, route53 = clients.client("rds"), clients.client("route53")
    db = _database(rds, names.DB_INSTANCE, "8.0.36")
    inventory = _database(rds, names.INVENTORY_DB, "8.0.35")
    out = {"db_instance": db["DBInstanceArn"], "db_instance:inventory": inventory["DBInstanceArn"]}
    out["blue_green"] = rds.create_blue_green_deployment(
        BlueGreenDeploymentName=names.BLUE_GREEN,
        Source=db["DBInstanceArn"],
        TargetEngineVersion="8.4.3",
    )["BlueGreenDeployment"]["BlueGreenDeploymentIdentifier"]

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
                _record(names.DB_RECORD, "CNAME", _endpoint(rds, names.DB_INSTANCE), None, None),
                _record(
                    names.INVENTORY_RECORD, "CNAME", _endpoint(rds, names.INVENTORY_DB), None, None
                ),
            ]
        },
    )
    return out
