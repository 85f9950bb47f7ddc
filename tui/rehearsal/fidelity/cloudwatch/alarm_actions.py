"""Alarm actions carried out when an alarm changes state, as CloudWatch does.

moto records AlarmActions/OKActions/InsufficientDataActions and never runs them. Here, when an
alarm with ActionsEnabled changes state (by evaluation or SetAlarmState), the actions for the
new state run once:
- `arn:aws:automate:<region>:ec2:recover` on the alarm's InstanceId: the instance keeps its id,
  private IP and volumes and is "moved to new hardware": its failed system status check is
  cleared (DescribeInstanceStatus shows `ok` again) and the recovery is recorded with its time;
  recovery is for system failures, so it is refused unless the alarm watches
  StatusCheckFailed_System, and the instance must be running;
- `...:ec2:reboot`, `...:ec2:stop`, `...:ec2:terminate` through moto's EC2 backend, so whatever
  else listens to those (target groups, Auto Scaling) sees a real stop or termination;
- an SNS topic ARN: the alarm notification JSON is published to the topic;
- anything else (Auto Scaling policies, Systems Manager) is not carried out by this world and
  is recorded as a failed action saying so.
Each attempt is an `Action` item in DescribeAlarmHistory ("Successfully executed action ..." or
"Failed to execute action ...") and in `performed()`; `recoveries()` lists the recoveries.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from moto.cloudwatch.models import Alarm, CloudWatchBackend, cloudwatch_backends
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ec2.models import ec2_backends
from moto.sns.models import sns_backends

from tui.rehearsal.fidelity.cloudwatch import alarm_history
from tui.rehearsal.fidelity.ec2 import instance_status_checks
from tui.rehearsal.fidelity.world_time import WorldTime

DEFAULT_REGION = "us-east-1"
_EC2_ACTION = re.compile(
    r"^arn:aws[a-z-]*:automate:([a-z0-9-]+):ec2:(recover|reboot|stop|terminate)$"
)
_SNS_TOPIC = re.compile(r"^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):[\w-]+$")


@dataclass(frozen=True)
class ActionRecord:
    """One alarm action attempt: when, by which alarm, what, on which instance, and the outcome."""

    at: datetime
    alarm_name: str
    action_arn: str
    state: str
    succeeded: bool
    detail: str
    instance_id: str | None = None

    @property
    def kind(self) -> str:
        """`recover`, `reboot`, `stop`, `terminate`, `sns` or `other`."""
        m = _EC2_ACTION.match(self.action_arn)
        if m:
            return m.group(2)
        return "sns" if _SNS_TOPIC.match(self.action_arn) else "other"


class ActionFailed(Exception):
    """An action that could not be carried out; the message says why."""


def _records(backend: CloudWatchBackend) -> list[ActionRecord]:
    if not hasattr(backend, "_turnout_actions"):
        backend._turnout_actions = []  # type: ignore[attr-defined]
    return backend._turnout_actions  # type: ignore[attr-defined]


def performed(
    account_id: str = DEFAULT_ACCOUNT_ID, region: str = DEFAULT_REGION
) -> list[ActionRecord]:
    """World knob: every alarm action attempted in this account and region, oldest first."""
    return list(_records(cloudwatch_backends[account_id][region]))


def recoveries(
    account_id: str = DEFAULT_ACCOUNT_ID, region: str = DEFAULT_REGION
) -> list[ActionRecord]:
    """World knob: the EC2 recoveries carried out, oldest first (instance_id and at)."""
    return [r for r in performed(account_id, region) if r.kind == "recover" and r.succeeded]


def _instance_id(alarm: Alarm) -> str:
    for d in alarm.dimensions:
        if d.name == "InstanceId":
            return str(d.value)
    raise ActionFailed("the alarm has no InstanceId dimension to act on")


def _ec2_action(alarm: Alarm, account_id: str, region: str, verb: str, at: datetime) -> str:
    instance_id = _instance_id(alarm)
    ec2 = ec2_backends[account_id][region]
    instance = ec2.get_instance_by_id(instance_id)
    if instance is None:
        raise ActionFailed(f"instance {instance_id} does not exist")
    if verb == "recover":
        if alarm.metric_name != "StatusCheckFailed_System":
            raise ActionFailed(
                "the recover action is supported only on StatusCheckFailed_System alarms"
            )
        if instance.state != "running":
            raise ActionFailed(f"instance {instance_id} is {instance.state}, not running")
        instance_status_checks.mark_system_status(instance, False, at)
        return f"instance {instance_id} recovered onto new hardware"
    if verb == "reboot":
        ec2.reboot_instances([instance_id])
    elif verb == "stop":
        ec2.stop_instances([instance_id])
    else:
        ec2.terminate_instances([instance_id])
    return f"instance {instance_id}: {verb}"


def _notify(alarm: Alarm, topic_arn: str, state: str, at: datetime, old_state: str) -> str:
    region, account_id = _SNS_TOPIC.match(topic_arn).groups()  # type: ignore[union-attr]
    sns = sns_backends[account_id][region]
    if topic_arn not in sns.topics:
        raise ActionFailed(f"SNS topic {topic_arn} does not exist")
    message = {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "AWSAccountId": account_id,
        "AlarmConfigurationUpdatedTimestamp": alarm.configuration_updated_timestamp.isoformat(),
        "NewStateValue": state,
        "NewStateReason": alarm.state_reason,
        "StateChangeTime": at.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
        "Region": region,
        "AlarmArn": alarm.alarm_arn,
        "OldStateValue": old_state,
        "Trigger": {
            "MetricName": alarm.metric_name,
            "Namespace": alarm.namespace,
            "Statistic": alarm.statistic,
            "Period": alarm.period,
            "EvaluationPeriods": alarm.evaluation_periods,
            "ComparisonOperator": alarm.comparison_operator,
            "Threshold": alarm.threshold,
            "TreatMissingData": alarm.treat_missing_data or "missing",
            "Dimensions": [{"name": d.name, "value": d.value} for d in alarm.dimensions],
        },
    }
    subject = f'{state}: "{alarm.name}" in {region}'[:99]
    sns.publish(json.dumps(message), arn=topic_arn, subject=subject)
    return f"notification published to {topic_arn}"


def _perform(
    alarm: Alarm, backend: CloudWatchBackend, arn: str, state: str, at: datetime, old: str
) -> None:
    account_id, region = backend.account_id, backend.region_name
    instance_id = None
    try:
        ec2 = _EC2_ACTION.match(arn)
        if ec2:
            instance_id = next(
                (str(d.value) for d in alarm.dimensions if d.name == "InstanceId"), None
            )
            detail = _ec2_action(alarm, account_id, region, ec2.group(2), at)
        elif _SNS_TOPIC.match(arn):
            detail = _notify(alarm, arn, state, at, old)
        else:
            raise ActionFailed(
                "this action type is not carried out by the rehearsal world (turnout)"
            )
        ok = True
    except ActionFailed as err:
        ok, detail = False, str(err)
    _records(backend).append(ActionRecord(at, alarm.name, arn, state, ok, detail, instance_id))
    alarm_history.record(
        backend,
        alarm,
        "Action",
        f"{'Successfully executed' if ok else 'Failed to execute'} action {arn}",
        {
            "actionState": "Succeeded" if ok else "Failed",
            "notificationResource": arn,
            "stateUpdateTimestamp": int(at.replace(tzinfo=UTC).timestamp() * 1000),
            "publishedMessage" if ok else "error": detail,
        },
        at,
    )


def on_transition(alarm: Alarm, backend: CloudWatchBackend, state: str, at: datetime) -> None:
    """Run the actions of the state `alarm` has just entered, if its actions are enabled."""
    if not alarm.actions_enabled:
        return
    history = alarm_history.items(backend)
    old = next(
        (
            json.loads(i["HistoryData"])["oldState"]["stateValue"]
            for i in reversed(history)
            if i["AlarmName"] == alarm.name and i["HistoryItemType"] == "StateUpdate"
        ),
        "INSUFFICIENT_DATA",
    )
    actions = {
        "ALARM": alarm.alarm_actions,
        "OK": alarm.ok_actions,
        "INSUFFICIENT_DATA": alarm.insufficient_data_actions,
    }.get(state) or []
    for arn in actions:
        _perform(alarm, backend, arn, state, at, old)


alarm_history.register_transition_listener(on_transition)


def install(time: WorldTime) -> None:
    """Nothing to patch: actions run from `alarm_history`'s transitions (registered on import)."""


def tick(time: WorldTime, now: object) -> None:
    """Actions run when alarms change state; nothing to advance."""
