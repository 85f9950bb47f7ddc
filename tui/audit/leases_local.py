"""Leases as files in the sessions directory: the `LeaseStore` when no lock table is configured.

One JSON file per lease key under `<sessions>/.leases/`, created with O_CREAT|O_EXCL so two
sessions racing for a key cannot both create it. It protects only sessions sharing this
sessions directory (this machine, usually): the session says so when it starts.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from tui.audit.leases import HolderRecord
from tui.errors import InputError


class LocalLeaseStore:
    """`LeaseStore` on files in `directory` (normally `<sessions>/.leases`)."""

    local_only = True

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.where = f"local lease files in {self.directory}"

    def _path(self, key: str) -> Path:
        # Keys hold `/` and `:`; a digest is a safe file name, and the key is inside the file.
        return self.directory / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".json")

    def _read(self, key: str) -> dict[str, Any] | None:
        try:
            return json.loads(self._path(key).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise InputError(f"{self._path(key)}: unreadable lease file ({exc})") from None

    def _write_new(self, holder: HolderRecord) -> bool:
        path = self._path(str(holder["lease_key"]))
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        except OSError as exc:
            raise InputError(f"{self.directory}: cannot write a lease file ({exc})") from None
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(dict(holder), fh, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        return True

    def _replace(self, holder: HolderRecord) -> None:
        path = self._path(str(holder["lease_key"]))
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(dict(holder), sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)

    def take(self, holder: HolderRecord) -> HolderRecord | None:
        """See `LeaseStore.take`."""
        key = str(holder["lease_key"])
        if self._write_new(holder):
            return None
        current = self._read(key)
        if current is None:  # released between our create and our read: try once more
            return None if self._write_new(holder) else self._read(key)
        if current.get("session_id") == holder["session_id"]:
            self._replace(holder)
            return None
        return current

    def renew(self, key: str, session_id: str, expires_at: float) -> bool:
        """See `LeaseStore.renew`."""
        current = self._read(key)
        if current is None or current.get("session_id") != session_id:
            return False
        self._replace({**current, "expires_at": expires_at})
        return True

    def release(self, key: str, session_id: str) -> None:
        """See `LeaseStore.release`."""
        current = self._read(key)
        if current is not None and current.get("session_id") == session_id:
            self._path(key).unlink(missing_ok=True)

    def break_lease(self, key: str, session_id: str) -> bool:
        """See `LeaseStore.break_lease`."""
        current = self._read(key)
        if current is None or current.get("session_id") != session_id:
            return False
        self._path(key).unlink(missing_ok=True)
        return True
