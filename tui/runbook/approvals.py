"""Reading `approvals: {required: N, from: [...], timeout: 30m}`, on a step or on the runbook.

On a step it is that step's four-eyes rule (the step is then confirmed by the operator first);
on the runbook it covers every irreversible step and every override (tui/engine/approvals.py
applies both). `from` names who may approve: ARN patterns (`arn:aws:iam::123456789012:role/*`,
`*` and `?` as in a shell) or plain names (an OS user, or the last part of an ARN: an IAM user
or a role session's name). A name is letters, digits and `@ . _ + = , -` (what IAM allows in a
user or role session name); anything else is refused here, not discovered on the night.
"""

from __future__ import annotations

import re

from tui.runbook.durations import Duration
from tui.runbook.fields import Fields
from tui.runbook.model import Approvals
from tui.runbook.problems import Problems
from tui.runbook.source import Node
from tui.runbook.values import INVALID, ValueType

APPROVAL_KEYS = ("required", "from", "timeout")
DEFAULT_TIMEOUT = Duration(15 * 60, "15m")
"""How long a session waits for approvals when the runbook does not say (engine clock)."""
MAX_REQUIRED = 5
NAME = re.compile(r"^[\w@.+=,*?-]{1,64}$")
ARN = re.compile(r"^arn:[\w*?-]+:[\w*?-]*:[\w*?-]*:[\d*?]*:[\w@.+=,/*?:-]+$")


def read_approvals(node: Node | None, what: str, problems: Problems) -> Approvals | None:
    """The rule under `node` (None when not written; INVALID after a problem)."""
    if node is None:
        return None
    fields = Fields(node, f"{what}.approvals", problems, APPROVAL_KEYS, required=("required",))
    if not fields.ok:
        return INVALID
    required = fields.get("required", ValueType.INTEGER)
    if isinstance(required, int) and not 1 <= required <= MAX_REQUIRED:
        problems.add(
            fields.value_location("required"),
            f"{what}.approvals.required: between 1 and {MAX_REQUIRED} people (got {required})",
        )
        required = INVALID
    approvers = fields.get("from", ValueType.STRING_LIST, [])
    if approvers is not INVALID:
        for index, pattern in enumerate(approvers):
            if not (ARN if pattern.startswith("arn:") else NAME).match(pattern):
                where = fields.get_node("from")
                location = where.value[index].location if where is not None else node.location
                problems.add(
                    location,
                    f'{what}.approvals.from[{index}]: "{pattern}" is neither an ARN pattern '
                    "(arn:aws:iam::ACCOUNT:role/NAME, * and ? allowed) nor a name (an OS user, "
                    "an IAM user or a role session name)",
                )
                approvers = INVALID
                break
    timeout = fields.get("timeout", ValueType.DURATION, DEFAULT_TIMEOUT)
    if isinstance(timeout, int) and timeout <= 0:
        problems.add(fields.value_location("timeout"), f"{what}.approvals.timeout: must be > 0")
        timeout = INVALID
    if any(v is INVALID for v in (required, approvers, timeout)):
        return INVALID
    return Approvals(required, tuple(approvers), timeout, node.location)
