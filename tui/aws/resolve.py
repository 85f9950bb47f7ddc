"""Resolving the runbook's names to the ids AWS generated, cached for the session.

Runbooks name resources (`web-alb`, `web-green`, `reports-1`, `orders-bgd`, `shop.example.com.`)
because AWS generates their ids, which differ per account and per rehearsal. A `Resolver` turns
each name into what an API or a metric dimension wants, with one Describe call the first time
and none after. An unknown name is a `CloudError` that names it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.aws.calls import call
from tui.aws.protocol import CloudError
from tui.runbook.model import ResourceRef

if TYPE_CHECKING:
    from tui.aws.clients import ClientFactory

NOT_FOUND = "NotFound"


def elb_dimension(arn: str) -> str:
    """The CloudWatch dimension of an ELB ARN: `arn:...:loadbalancer/app/web-alb/50dc...` ->
    `app/web-alb/50dc...`; `arn:...:targetgroup/web-green/7a...` -> `targetgroup/web-green/7a...`.
    """
    resource = arn.split(":", 5)[5]
    return resource.split("/", 1)[1] if resource.startswith("loadbalancer/") else resource


def zone_name(name: str) -> str:
    """A DNS name as Route 53 lists it: lower case, with the trailing dot."""
    return name.lower().rstrip(".") + "."


class Resolver:
    """Names to AWS ids for one session. Thread-safe; only successful lookups are cached, so a
    resource a step creates (a Blue/Green deployment) resolves once it exists."""

    def __init__(self, clients: ClientFactory) -> None:
        self._clients = clients
        self._cache: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def _cached(self, kind: str, name: str, look_up: Callable[[], str]) -> str:
        with self._lock:
            if (kind, name) in self._cache:
                return self._cache[kind, name]
        found = look_up()
        with self._lock:
            self._cache[kind, name] = found
        return found

    def _missing(self, what: str, name: str, service: str, operation: str) -> CloudError:
        region = self._clients.region_name
        return CloudError(
            f"no {what} named {name!r} in {region}: check the name (and the account and region)",
            service=service,
            operation=operation,
            code=NOT_FOUND,
        )

    # -- elbv2 ---------------------------------------------------------------------------------

    def load_balancer_arn(self, name: str) -> str:
        """The ARN of the load balancer called `name`."""

        def look_up() -> str:
            try:
                found = call(
                    self._clients.client("elbv2"), "describe_load_balancers", name, Names=[name]
                )
            except CloudError as exc:
                if exc.code == "LoadBalancerNotFound":
                    raise self._missing(
                        "load balancer", name, "elbv2", "DescribeLoadBalancers"
                    ) from exc
                raise
            return found["LoadBalancers"][0]["LoadBalancerArn"]

        return self._cached("load_balancer_arn", name, look_up)

    def load_balancer(self, name: str) -> str:
        """The `LoadBalancer` metric dimension: `app/NAME/ID`."""
        return elb_dimension(self.load_balancer_arn(name))

    def target_group_arn(self, name: str) -> str:
        """The ARN of the target group called `name`."""

        def look_up() -> str:
            try:
                found = call(
                    self._clients.client("elbv2"), "describe_target_groups", name, Names=[name]
                )
            except CloudError as exc:
                if exc.code == "TargetGroupNotFound":
                    raise self._missing(
                        "target group", name, "elbv2", "DescribeTargetGroups"
                    ) from exc
                raise
            return found["TargetGroups"][0]["TargetGroupArn"]

        return self._cached("target_group_arn", name, look_up)

    def target_group(self, name: str) -> str:
        """The `TargetGroup` metric dimension: `targetgroup/NAME/ID`."""
        return elb_dimension(self.target_group_arn(name))

    def listener_arn(self, load_balancer: str, port: int) -> str:
        """The ARN of `load_balancer`'s listener on `port`."""
        key = f"{load_balancer}:{port}"

        def look_up() -> str:
            elbv2 = self._clients.client("elbv2")
            arn = self.load_balancer_arn(load_balancer)
            listeners: list[dict] = []
            params = {"LoadBalancerArn": arn}
            while True:
                page = call(elbv2, "describe_listeners", key, **params)
                listeners += page["Listeners"]
                if not page.get("NextMarker"):
                    break
                params["Marker"] = page["NextMarker"]
            for listener in listeners:
                if listener["Port"] == port:
                    return listener["ListenerArn"]
            ports = ", ".join(str(item["Port"]) for item in listeners) or "none"
            raise CloudError(
                f"load balancer {load_balancer!r} has no listener on port {port} "
                f"(its listeners: {ports})",
                service="elbv2",
                operation="DescribeListeners",
                code=NOT_FOUND,
            )

        return self._cached("listener_arn", key, look_up)

    # -- ec2 -----------------------------------------------------------------------------------

    def instance(self, name: str) -> str:
        """The id (`i-...`) of the one live instance whose Name tag is `name`."""

        def look_up() -> str:
            found = call(
                self._clients.client("ec2"),
                "describe_instances",
                name,
                Filters=[
                    {"Name": "tag:Name", "Values": [name]},
                    {
                        "Name": "instance-state-name",
                        "Values": ["pending", "running", "stopping", "stopped"],
                    },
                ],
            )
            ids = [i["InstanceId"] for r in found["Reservations"] for i in r["Instances"]]
            if not ids:
                raise self._missing("instance (Name tag)", name, "ec2", "DescribeInstances")
            if len(ids) > 1:
                raise CloudError(
                    f"{len(ids)} instances are named {name!r} ({', '.join(sorted(ids))}): "
                    "give each a unique Name tag",
                    service="ec2",
                    operation="DescribeInstances",
                    code="Ambiguous",
                )
            return ids[0]

        return self._cached("instance", name, look_up)

    # -- rds -----------------------------------------------------------------------------------

    def blue_green(self, name: str) -> dict:
        """The Blue/Green deployment called `name`, as DescribeBlueGreenDeployments returns it
        (never cached: its status and members change)."""
        found = call(
            self._clients.client("rds"),
            "describe_blue_green_deployments",
            name,
            Filters=[{"Name": "blue-green-deployment-name", "Values": [name]}],
        )["BlueGreenDeployments"]
        if not found:
            raise self._missing(
                "RDS Blue/Green deployment", name, "rds", "DescribeBlueGreenDeployments"
            )
        return found[0]

    def blue_green_target(self, name: str) -> str:
        """The identifier of the green DB instance of the Blue/Green deployment `name`."""

        def look_up() -> str:
            deployment = self.blue_green(name)
            target = deployment.get("Target", "")
            if not target:
                raise CloudError(
                    f"RDS Blue/Green deployment {name!r} has no green instance yet "
                    f"(status {deployment.get('Status')})",
                    service="rds",
                    operation="DescribeBlueGreenDeployments",
                    code=NOT_FOUND,
                )
            return target.rsplit(":", 1)[-1]  # arn:aws:rds:REGION:ACCOUNT:db:IDENTIFIER

        return self._cached("blue_green_target", name, look_up)

    # -- route53 -------------------------------------------------------------------------------

    def hosted_zone(self, name: str) -> str:
        """The id (`Z...`, without `/hostedzone/`) of the hosted zone called `name`."""
        wanted = zone_name(name)

        def look_up() -> str:
            found = call(
                self._clients.client("route53"),
                "list_hosted_zones_by_name",
                wanted,
                DNSName=wanted,
                MaxItems="10",
            )["HostedZones"]
            zones = [z["Id"].rsplit("/", 1)[-1] for z in found if zone_name(z["Name"]) == wanted]
            if not zones:
                raise self._missing("hosted zone", wanted, "route53", "ListHostedZonesByName")
            if len(zones) > 1:
                raise CloudError(
                    f"{len(zones)} hosted zones are named {wanted!r} ({', '.join(zones)}), "
                    "e.g. a public and a private one: turnout cannot tell which you mean",
                    service="route53",
                    operation="ListHostedZonesByName",
                    code="Ambiguous",
                )
            return zones[0]

        return self._cached("hosted_zone", wanted, look_up)

    # -- metric dimensions ---------------------------------------------------------------------

    def dimension(self, value: str | ResourceRef) -> str:
        """A metric dimension's value: a string as written, a `ResourceRef` resolved."""
        if isinstance(value, str):
            return value
        resolvers: dict[str, Callable[[str], str]] = {
            "load_balancer": self.load_balancer,
            "target_group": self.target_group,
            "instance": self.instance,
            "blue_green_target": self.blue_green_target,
        }
        if value.kind not in resolvers:
            raise CloudError(f"unknown kind of resource reference {value.kind!r}")
        return resolvers[value.kind](value.name)
