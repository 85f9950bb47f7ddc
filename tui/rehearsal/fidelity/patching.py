"""The one way the fidelity extensions change moto: `patch` and `wrap`, which keep moto's original.

Every extension's `install` changes moto's classes only through these, so idempotence is done
once, here: the first patch of `owner.name` records what moto had there; a later install patches
it again from that record, never from our own replacement, so installing twice stacks nothing and
a reinstall replaces ours with an equal one. `restore` puts moto's own attributes back.

One attribute has one patch: two extensions replacing the same `owner.name` would silently keep
only the last, so `patch` refuses a second patcher (named by its module) for an attribute.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

# What `owner.__dict__[name]` held before our first patch; _INHERITED when the class had none of
# its own (it inherited the attribute), so `restore` deletes ours rather than setting anything.
_INHERITED = object()
# An owner is a class, or a module whose name moto's code looks up when it runs (`utcnow`).
_originals: dict[tuple[type | ModuleType, str], Any] = {}
_patchers: dict[tuple[type | ModuleType, str], str] = {}


def patch(owner: type | ModuleType, name: str, replacement: Any) -> None:
    """Make `owner.name` our `replacement`, recording moto's own the first time."""
    _set(_caller_module(), owner, name, replacement)


def original(owner: type, name: str) -> Any:
    """moto's own `owner.name` as the class held it before any patch (a function, a property...).

    An inherited attribute is looked up on the base classes when called, so a later patch of a
    base class (throttling patches `BaseResponse.call_action`) still runs under ours.
    """
    found = _originals.get((owner, name), owner.__dict__.get(name, _INHERITED))
    if found is not _INHERITED:
        return found

    def inherited(self: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(super(owner, self), name)(*args, **kwargs)

    return inherited


def wrap(owner: type, name: str, wrapper: Callable[[Any], Any]) -> None:
    """Patch `owner.name` with `wrapper(moto's original)`: a reinstall wraps moto's, not ours."""
    _set(_caller_module(), owner, name, wrapper(original(owner, name)))


def restore(*owners: type) -> None:
    """Put back moto's own attributes on `owners` (on every class we patched if none is named)."""
    for key in [k for k in _originals if not owners or k[0] in owners]:
        owner, name = key
        value = _originals.pop(key)
        _patchers.pop(key, None)
        if value is _INHERITED:
            delattr(owner, name)
        else:
            setattr(owner, name, value)


def _set(patcher: str, owner: type | ModuleType, name: str, replacement: Any) -> None:
    key = (owner, name)
    if _patchers.setdefault(key, patcher) != patcher:
        raise RuntimeError(
            f"{owner.__name__}.{name} is already patched by {_patchers[key]}; {patcher} would "
            "replace that patch rather than add to it"
        )
    if key not in _originals:
        _originals[key] = owner.__dict__.get(name, _INHERITED)
    setattr(owner, name, replacement)


def _caller_module() -> str:
    """The module that called `patch` or `wrap`: the extension patching."""
    return str(sys._getframe(2).f_globals.get("__name__", "?"))
