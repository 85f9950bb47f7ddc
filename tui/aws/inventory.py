"""What an account holds, for `turnout new --from-aws` to offer: Auto Scaling groups, launch
templates, load balancers, target groups, hosted zones, DB instances, RDS Blue/Green
deployments, ECS clusters, services and task definitions. Read-only: Describe/List calls only.

Given a `ClientFactory`, so it reaches real AWS through the standard credential chain (or
`AWS_ENDPOINT_URL`) exactly as it reaches the rehearsal world in tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.aws import resolve
from tui.aws.calls import call
from tui.aws.clients import ClientFactory
from tui.aws.protocol import CloudError


def _name_from_arn(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _or_none(look_up: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
    """What the resolver finds, or None for a name that matches nothing: a suggestion from a
    name not (yet) in the account is no suggestion, not an error."""
    try:
        return look_up()
    except CloudError as exc:
        if exc.code == resolve.NOT_FOUND:
            return None
        raise


class Inventory:
    """Lists resource names by kind (`names`) and suggests a name from earlier choices
    (`suggest`: the chosen group's launch template, its target group's load balancer, ...)."""

    def __init__(self, clients: ClientFactory) -> None:
        self.clients = clients

    def _paged(self, service: str, operation: str, key: str, **params: Any) -> list[Any]:
        """Every item under `key` across the pages; a failure is a `CloudError`."""
        client = self.clients.client(service)
        if not client.can_paginate(operation):
            return list(call(client, operation, service, **params).get(key, []))
        items: list[Any] = []
        try:
            for page in client.get_paginator(operation).paginate(**params):
                items += page.get(key, [])
        except (ClientError, BotoCoreError) as exc:
            raise CloudError(f"{service}.{operation}: {exc}", service=service) from exc
        return items

    def identity(self) -> tuple[str, str]:
        """(account, region) of the credentials, from STS."""
        sts = self.clients.client("sts")
        account = call(sts, "get_caller_identity", "the credentials")["Account"]
        return account, sts.meta.region_name

    def names(self, kind: str, chosen: Mapping[str, Any] | None = None) -> list[str]:
        """The names of every resource of `kind` (a `Field.source`), sorted."""
        chosen = chosen or {}
        lister = getattr(self, f"_list_{kind}", None)
        if lister is None:
            raise KeyError(f"no listing for {kind!r}")
        return sorted(set(lister(chosen)))

    def _list_asg(self, chosen: Mapping[str, Any]) -> list[str]:
        groups = self._paged("autoscaling", "describe_auto_scaling_groups", "AutoScalingGroups")
        return [g["AutoScalingGroupName"] for g in groups]

    def _list_launch_template(self, chosen: Mapping[str, Any]) -> list[str]:
        found = self._paged("ec2", "describe_launch_templates", "LaunchTemplates")
        return [t["LaunchTemplateName"] for t in found]

    def _list_load_balancer(self, chosen: Mapping[str, Any]) -> list[str]:
        found = self._paged("elbv2", "describe_load_balancers", "LoadBalancers")
        return [lb["LoadBalancerName"] for lb in found if lb.get("Type") == "application"]

    def _list_target_group(self, chosen: Mapping[str, Any]) -> list[str]:
        found = self._paged("elbv2", "describe_target_groups", "TargetGroups")
        return [tg["TargetGroupName"] for tg in found]

    def _list_hosted_zone(self, chosen: Mapping[str, Any]) -> list[str]:
        return [z["Name"] for z in self._paged("route53", "list_hosted_zones", "HostedZones")]

    def _list_db_instance(self, chosen: Mapping[str, Any]) -> list[str]:
        found = self._paged("rds", "describe_db_instances", "DBInstances")
        return [db["DBInstanceIdentifier"] for db in found]

    def _list_blue_green(self, chosen: Mapping[str, Any]) -> list[str]:
        found = self._paged("rds", "describe_blue_green_deployments", "BlueGreenDeployments")
        return [d["BlueGreenDeploymentName"] for d in found]

    def _list_ecs_cluster(self, chosen: Mapping[str, Any]) -> list[str]:
        return [_name_from_arn(a) for a in self._paged("ecs", "list_clusters", "clusterArns")]

    def _list_ecs_service(self, chosen: Mapping[str, Any]) -> list[str]:
        clusters = [chosen["cluster"]] if chosen.get("cluster") else self._list_ecs_cluster({})
        names: list[str] = []
        for cluster in clusters:
            arns = self._paged("ecs", "list_services", "serviceArns", cluster=cluster)
            names += [_name_from_arn(a) for a in arns]
        return names

    def _list_task_definition(self, chosen: Mapping[str, Any]) -> list[str]:
        family = self._service_family(chosen)
        params = {"familyPrefix": family} if family else {}
        arns = self._paged("ecs", "list_task_definitions", "taskDefinitionArns", **params)
        return [_name_from_arn(a) for a in arns]

    # -- suggestions ------------------------------------------------------------------------

    def suggest(self, field: str, chosen: Mapping[str, Any]) -> str | None:
        """A likely answer for `field` given the names chosen so far, or None."""
        suggester = getattr(self, f"_suggest_{field}", None)
        return suggester(chosen) if suggester else None

    def _group(self, chosen: Mapping[str, Any]) -> dict[str, Any] | None:
        if not chosen.get("group"):
            return None
        return _or_none(
            lambda: resolve.autoscaling.auto_scaling_group(
                self.clients.client("autoscaling"), chosen["group"]
            )
        )

    def _suggest_launch_template(self, chosen: Mapping[str, Any]) -> str | None:
        group = self._group(chosen) or {}
        template = group.get("LaunchTemplate") or (
            group.get("MixedInstancesPolicy", {})
            .get("LaunchTemplate", {})
            .get("LaunchTemplateSpecification")
        )
        return (template or {}).get("LaunchTemplateName")

    def _suggest_target_group(self, chosen: Mapping[str, Any]) -> str | None:
        arns = (self._group(chosen) or {}).get("TargetGroupARNs") or []
        return arns[0].split("/")[-2] if arns else None

    def _suggest_load_balancer(self, chosen: Mapping[str, Any]) -> str | None:
        arns = (self._group(chosen) or {}).get("TargetGroupARNs") or []
        if not arns:
            return None
        client = self.clients.client("elbv2")
        groups = call(client, "describe_target_groups", arns[0], TargetGroupArns=arns[:1])
        lb_arns = groups["TargetGroups"][0].get("LoadBalancerArns") or []
        return lb_arns[0].split("/")[-2] if lb_arns else None

    def _suggest_healthy_before(self, chosen: Mapping[str, Any]) -> str | None:
        group = self._group(chosen)
        return str(group["DesiredCapacity"]) if group else None

    def _listener_weights(self, chosen: Mapping[str, Any]) -> list[tuple[str, int]]:
        if not chosen.get("load_balancer"):
            return []
        client = self.clients.client("elbv2")
        arn = resolve.elbv2.load_balancer_arn(client, chosen["load_balancer"])
        listeners = call(
            client, "describe_listeners", chosen["load_balancer"], LoadBalancerArn=arn
        )["Listeners"]
        port = int(chosen.get("port") or 80)
        for listener in listeners:
            if listener["Port"] != port:
                continue
            for action in listener.get("DefaultActions", []):
                groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or []
                return [(g["TargetGroupArn"].split("/")[-2], g.get("Weight", 1)) for g in groups]
        return []

    def _suggest_blue_target_group(self, chosen: Mapping[str, Any]) -> str | None:
        serving = [name for name, weight in self._listener_weights(chosen) if weight > 0]
        return serving[0] if serving else None

    def _suggest_green_target_group(self, chosen: Mapping[str, Any]) -> str | None:
        idle = [name for name, weight in self._listener_weights(chosen) if weight == 0]
        return idle[0] if idle else None

    def _suggest_deployment(self, chosen: Mapping[str, Any]) -> str | None:
        found = self._paged("rds", "describe_blue_green_deployments", "BlueGreenDeployments")
        for deployment in found:
            if deployment.get("Source", "").endswith(f":db:{chosen.get('db_instance')}"):
                return deployment["BlueGreenDeploymentName"]
        return None

    def _suggest_snapshot(self, chosen: Mapping[str, Any]) -> str | None:
        return f"{chosen['db_instance']}-before-switchover" if chosen.get("db_instance") else None

    def _service_family(self, chosen: Mapping[str, Any]) -> str | None:
        if not (chosen.get("cluster") and chosen.get("ecs_service")):
            return None
        service = _or_none(
            lambda: resolve.ecs.ecs_service(
                self.clients.client("ecs"), chosen["cluster"], chosen["ecs_service"]
            )
        )
        if service is None:
            return None
        return _name_from_arn(service["taskDefinition"]).split(":")[0]

    def _suggest_task_definition(self, chosen: Mapping[str, Any]) -> str | None:
        """The family's newest revision: usually the one registered for the upgrade."""
        revisions = self._list_task_definition(chosen)
        return max(revisions, key=lambda r: int(r.rsplit(":", 1)[-1]), default=None)
