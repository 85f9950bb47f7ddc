"""The one place the runbook's names become AWS resources, and the one not-found error.

Runbooks name resources (`web-alb`, `web-green`, `web-asg`, `orders-bgd`, `shop.example.com.`)
because AWS generates their ids, which differ per account and per rehearsal. One module per
service turns a name into what AWS has, given that service's client (`elbv2`, `ec2`,
`autoscaling`, `rds`, `ecs`, `route53`); `missing.not_found` is the error every one of them
raises for a name that matches nothing, decided on AWS's error code, never its text.

`Resolver` is what the session uses (`ctx.resolve`): it hands each lookup its client and the
account (known once `AwsCloud.identity` has asked STS), and caches what cannot change for a
name (ARNs, zone ids, the metric dimensions), one Describe call the first time and none after.
Descriptions that change (a group's sizes, a deployment's status) are read afresh every time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui.aws.protocol import CloudError
from tui.aws.resolve import autoscaling, cloudwatch, ec2, ecs, elbv2, rds, route53
from tui.aws.resolve.elbv2 import elb_dimension
from tui.aws.resolve.missing import NOT_FOUND, not_found
from tui.aws.resolve.route53 import zone_name
from tui.runbook.model import ResourceRef

if TYPE_CHECKING:
    from tui.aws.clients import ClientFactory

__all__ = ["NOT_FOUND", "Resolver", "elb_dimension", "not_found", "short_arn", "zone_name"]


class Resolver:
    """Names to AWS resources for one session. Thread-safe; only successful lookups are
    cached, so a resource a step creates (a Blue/Green deployment) resolves once it exists."""

    def __init__(self, clients: ClientFactory, account: str | None = None) -> None:
        self._clients = clients
        self.account = account  # named in not-found errors once known
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

    def _client(self, service: str) -> Any:
        return self._clients.client(service)

    # -- elbv2 (cached) ------------------------------------------------------------------------

    def load_balancer_arn(self, name: str) -> str:
        """The ARN of the load balancer called `name`."""
        return self._cached(
            "load_balancer_arn",
            name,
            lambda: elbv2.load_balancer_arn(self._client("elbv2"), name, self.account),
        )

    def load_balancer(self, name: str) -> str:
        """The `LoadBalancer` metric dimension: `app/NAME/ID`."""
        return elb_dimension(self.load_balancer_arn(name))

    def target_group_arn(self, name: str) -> str:
        """The ARN of the target group called `name`."""
        return self._cached(
            "target_group_arn",
            name,
            lambda: elbv2.target_group_arn(self._client("elbv2"), name, self.account),
        )

    def target_group(self, name: str) -> str:
        """The `TargetGroup` metric dimension: `targetgroup/NAME/ID`."""
        return elb_dimension(self.target_group_arn(name))

    def listener_arn(self, load_balancer: str, port: int) -> str:
        """The ARN of `load_balancer`'s listener on `port`."""
        return self._cached(
            "listener_arn",
            f"{load_balancer}:{port}",
            lambda: elbv2.listener_arn(
                self._client("elbv2"),
                load_balancer,
                self.load_balancer_arn(load_balancer),
                port,
                self.account,
            ),
        )

    # -- ec2 -----------------------------------------------------------------------------------

    def instance(self, name_or_id: str) -> str:
        """The id (`i-...`) of the one live instance with this Name tag (or id), cached: the
        `InstanceId` metric dimension."""
        return self._cached(
            "instance", name_or_id, lambda: self.ec2_instance(name_or_id)["InstanceId"]
        )

    def ec2_instance(self, name_or_id: str) -> dict[str, Any]:
        """The live instance with this id or Name tag, as DescribeInstances shows it now."""
        return ec2.instance(self._client("ec2"), name_or_id, self.account)

    def images_named(self, name: str) -> list[dict[str, Any]]:
        """The account's own images called `name`."""
        return ec2.images_named(self._client("ec2"), name)

    def launch_template(self, name: str) -> dict[str, Any]:
        """The launch template called `name` (id, default and latest version numbers)."""
        return ec2.launch_template(self._client("ec2"), name, self.account)

    def launch_template_version(self, template_id: str, name: str, version: str) -> dict:
        """Version `version` of launch template `name` (id `template_id`)."""
        return ec2.launch_template_version(
            self._client("ec2"), template_id, name, version, self.account
        )

    # -- autoscaling ---------------------------------------------------------------------------

    def auto_scaling_group(self, name: str) -> dict[str, Any]:
        """The Auto Scaling group called `name`, as it is now."""
        return autoscaling.auto_scaling_group(self._client("autoscaling"), name, self.account)

    def in_service_instance(self, group: str) -> str:
        """One InService, Healthy instance of `group` (the lowest id)."""
        return autoscaling.in_service_instance(self._client("autoscaling"), group, self.account)

    # -- rds -----------------------------------------------------------------------------------

    def db_instance(self, identifier: str) -> dict[str, Any]:
        """The DB instance with this identifier, as it is now."""
        return rds.db_instance(self._client("rds"), identifier, self.account)

    def find_db_snapshot(self, identifier: str) -> dict[str, Any] | None:
        """The DB snapshot with this identifier, or None."""
        return rds.find_db_snapshot(self._client("rds"), identifier)

    def blue_green(self, name: str) -> dict[str, Any]:
        """The Blue/Green deployment called `name`, as it is now."""
        return rds.blue_green(self._client("rds"), name, self.account)

    def find_blue_green(self, name: str) -> dict[str, Any] | None:
        """The Blue/Green deployment called `name`, or None."""
        return rds.find_blue_green(self._client("rds"), name)

    def find_blue_green_by_id(self, identifier: str, name: str) -> dict[str, Any] | None:
        """The Blue/Green deployment with this id, or None once it is deleted."""
        return rds.find_blue_green_by_id(self._client("rds"), identifier, name)

    def blue_green_target(self, name: str) -> str:
        """The identifier of the green DB instance of the Blue/Green deployment `name`."""
        return self._cached(
            "blue_green_target",
            name,
            lambda: rds.blue_green_target(self._client("rds"), name, self.account),
        )

    # -- ecs -----------------------------------------------------------------------------------

    def ecs_service(self, cluster: str, service: str) -> dict[str, Any]:
        """The ECS service `service` of `cluster`, as it is now."""
        return ecs.ecs_service(self._client("ecs"), cluster, service, self.account)

    def task_definition_arn(self, task_definition: str) -> str:
        """The ARN of a task definition (`family` alone: its latest revision, as it is now)."""
        return ecs.task_definition_arn(self._client("ecs"), task_definition)

    # -- cloudwatch ----------------------------------------------------------------------------

    def find_alarm(self, name: str) -> dict[str, Any] | None:
        """The metric alarm called `name`, or None."""
        return cloudwatch.find_alarm(self._client("cloudwatch"), name)

    # -- route53 -------------------------------------------------------------------------------

    def hosted_zone(self, name: str) -> str:
        """The id (`Z...`, without `/hostedzone/`) of the hosted zone called `name`."""
        return self._cached(
            "hosted_zone",
            zone_name(name),
            lambda: route53.hosted_zone(self._client("route53"), name, self.account),
        )

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


def short_arn(arn: str) -> str:
    """The last part of an ARN: `api:2` for a task definition, `orders-db` for a DB instance."""
    return arn.rsplit("/", 1)[-1].rsplit(":db:", 1)[-1]
