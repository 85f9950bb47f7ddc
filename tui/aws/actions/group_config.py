"""An Auto Scaling group's launch configuration as turnout records it and sends it back.

A group launches from a launch template, or from a mixed-instances policy that wraps one (plus
instance-type overrides and the Spot / On-Demand distribution). These helpers read that from
DescribeAutoScalingGroups, record it in a JSON-safe form for the audit log, and build the
`LaunchTemplate` / `MixedInstancesPolicy` parameters that put a configuration on a group or in
an instance refresh's desired configuration.
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

Spec = dict[str, str]


def template_spec(group: dict[str, Any]) -> Spec | None:
    """The launch template the group launches from (directly or through its mixed policy)."""
    spec = group.get("LaunchTemplate")
    policy = group.get("MixedInstancesPolicy")
    if spec is None and policy:
        spec = policy.get("LaunchTemplate", {}).get("LaunchTemplateSpecification")
    if not spec:
        return None
    return {
        key: str(spec[key])
        for key in ("LaunchTemplateId", "LaunchTemplateName", "Version")
        if spec.get(key) is not None
    }


def as_parameter(spec: Spec) -> Spec:
    """A template spec as a request wants it: the id (or else the name) and the version.

    AWS refuses a spec that gives both the id and the name, which is how Describe shows it.
    """
    out = (
        {"LaunchTemplateId": spec["LaunchTemplateId"]}
        if spec.get("LaunchTemplateId")
        else {"LaunchTemplateName": spec["LaunchTemplateName"]}
    )
    if spec.get("Version"):
        out["Version"] = spec["Version"]
    return out


def policy_parameter(policy: dict[str, Any], spec: Spec | None = None) -> dict[str, Any]:
    """A mixed-instances policy ready to send, its template replaced by `spec` if given."""
    out = copy.deepcopy(policy)
    template = out.setdefault("LaunchTemplate", {})
    current = spec or template.get("LaunchTemplateSpecification")
    if current:
        template["LaunchTemplateSpecification"] = as_parameter(current)
    return out


def record(group: dict[str, Any]) -> dict[str, Any]:
    """What a group launches from, JSON-safe, for `capture`: `launch_template` and
    `mixed_instances_policy` (None when the group has none)."""
    return {
        "launch_template": template_spec(group),
        "mixed_instances_policy": copy.deepcopy(group.get("MixedInstancesPolicy")),
    }


def configuration_parameter(recorded: dict[str, Any], spec: Spec | None = None) -> dict[str, Any]:
    """`{"LaunchTemplate": ...}` or `{"MixedInstancesPolicy": ...}` for what `record` saw, with
    its template replaced by `spec` if given (an UpdateAutoScalingGroup or DesiredConfiguration)."""
    policy = recorded.get("mixed_instances_policy")
    if policy:
        return {"MixedInstancesPolicy": policy_parameter(policy, spec)}
    chosen = spec or recorded.get("launch_template")
    return {"LaunchTemplate": as_parameter(chosen)} if chosen else {}


def instances_on(group: dict[str, Any]) -> Spec | None:
    """The template and version most of the group's instances were launched from."""
    seen = Counter(
        (lt.get("LaunchTemplateId", ""), lt.get("LaunchTemplateName", ""), str(lt.get("Version")))
        for member in group.get("Instances", [])
        if (lt := member.get("LaunchTemplate"))
    )
    if not seen:
        return None
    (template_id, name, version), _ = seen.most_common(1)[0]
    spec = {"LaunchTemplateId": template_id, "LaunchTemplateName": name, "Version": version}
    return {k: v for k, v in spec.items() if v}


def same_template(a: Spec | None, b: Spec | None) -> bool:
    """Whether two specs name the same template and version (by id when both have one)."""
    if a is None or b is None:
        return a is b
    if a.get("LaunchTemplateId") and b.get("LaunchTemplateId"):
        same = a["LaunchTemplateId"] == b["LaunchTemplateId"]
    else:
        same = a.get("LaunchTemplateName") == b.get("LaunchTemplateName")
    return same and str(a.get("Version")) == str(b.get("Version"))
