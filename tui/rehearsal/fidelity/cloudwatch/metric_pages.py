"""GetMetricData's pages: MaxDatapoints, NextToken and StatusCode PartialData (pure).

A helper for `metric_math` (no install/tick). The GetMetricData API reference: MaxDatapoints is
"The maximum number of data points the request should return before paginating. If you omit
this, the default of 100,800 is used."; ScanBy "TimestampDescending returns the newest data
first and paginates when the MaxDatapoints limit is reached. TimestampAscending returns the
oldest data first"; and a result's StatusCode: "Complete indicates that all data points in the
requested time range were returned. PartialData means that an incomplete set of data points
were returned. You can use the NextToken value that was returned and repeat your request to get
more data points. NextToken is not returned if you are performing a math expression."

So the returned results' datapoints, result after result in request order and each in ScanBy
order, are cut into pages of MaxDatapoints; a result with points left for a later page is
PartialData, and the page's NextToken says where the next one starts. A request with a math
expression is answered whole, on one page, with no NextToken. A result with no datapoints at all
is on the first page. The token carries a digest of the request, so a token is refused
(InvalidNextToken) with a request other than the one it was given for.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from moto.cloudwatch.exceptions import CloudWatchException, ValidationError

DEFAULT_MAX_DATAPOINTS = 100_800


class InvalidNextToken(CloudWatchException):
    """GetMetricData's error for a token it did not give out for this request."""

    code = "InvalidNextToken"


def request_digest(params: dict[str, Any]) -> str:
    """What a token is tied to: the request without its NextToken."""
    fields = {k: v for k, v in params.items() if k != "NextToken"}
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _offset(token: str | None, digest: str) -> int:
    if not token:
        return 0
    try:
        said = json.loads(base64.urlsafe_b64decode(token.encode()))
        offset, given_for = int(said["offset"]), said["request"]
    except (ValueError, TypeError, KeyError) as err:
        raise InvalidNextToken("The NextToken is not valid.") from err
    if given_for != digest or offset < 0:
        raise InvalidNextToken("The NextToken was not given for this request.")
    return offset


def page(
    results: list[dict[str, Any]],
    max_datapoints: int | None,
    token: str | None,
    digest: str,
    has_expression: bool,
) -> tuple[list[dict[str, Any]], str | None]:
    """The page of `results` (each with Timestamps and Values in ScanBy order) a request with
    `token` gets, with the token of the next page (None on the last)."""
    offset = _offset(token, digest)
    if has_expression:
        return [{**r, "StatusCode": "Complete"} for r in results], None
    size = int(max_datapoints or DEFAULT_MAX_DATAPOINTS)
    if size < 1:
        raise ValidationError("The value for parameter MaxDatapoints must be at least 1.")
    stop = offset + size
    out, first, remaining = [], 0, False
    for result in results:
        n = len(result["Timestamps"])
        lo, hi = max(offset - first, 0), min(stop - first, n)
        if (n == 0 and offset == 0) or lo < hi:
            partial = n > hi
            remaining |= partial
            out.append(
                {
                    **result,
                    "Timestamps": result["Timestamps"][lo:hi],
                    "Values": result["Values"][lo:hi],
                    "StatusCode": "PartialData" if partial else "Complete",
                }
            )
        elif first + n > stop:
            remaining = True
        first += n
    if not remaining:
        return out, None
    said = json.dumps({"offset": stop, "request": digest}).encode()
    return out, base64.urlsafe_b64encode(said).decode()
