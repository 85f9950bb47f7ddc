"""AWS's error answers as the fidelity extensions give them: an exception serialised the way
moto serialises its own (so every protocol, query, JSON and REST, gets its error shape), and
the "1 validation error detected" wording of an out-of-range member."""

from __future__ import annotations

from typing import Any

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, BaseResponse


def error_answer(response: BaseResponse, error: ServiceException) -> tuple[int, Any, Any]:
    """`(status, headers, body)` of `error`, answered to `response`'s request as moto answers
    its own errors (see BaseResponse.call_action)."""
    status, headers, body = response.serialized(ActionResult(error))
    headers["status"] = status
    status, headers, body = response._transform_response(response.response_headers, (body, headers))
    headers, body = response._enrich_response(headers, body)
    return status, headers, body


def out_of_range(value: Any, where: str, minimum: int, maximum: int) -> str | None:
    """AWS's message for `value` at member `where` outside `minimum`–`maximum`, else None."""
    if int(value) > maximum:
        bound = f"less than or equal to {maximum}"
    elif int(value) < minimum:
        bound = f"greater than or equal to {minimum}"
    else:
        return None
    return (
        f"1 validation error detected: Value '{value}' at '{where}' failed to satisfy "
        f"constraint: Member must have value {bound}"
    )
