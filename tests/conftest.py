"""Suite-wide fixtures. Area fixtures live in tests/<area>/conftest.py."""

from __future__ import annotations

import os

import pytest

from tui.rehearsal.world import DEFAULT_IMAGES_SETTING

# Every moto backend in the suite starts as the world's do, without moto's sample of public
# images (see tui/rehearsal/world.py): the same AWS whichever test made a world first.
os.environ[DEFAULT_IMAGES_SETTING] = "false"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files with `slow` tests first. `make test` hands whole files to two workers in collection
    order (`--dist loadfile`); with the minute-long files collected last, one worker ran them
    alone for the last two minutes while the other sat idle. Longest first fills the tail with
    the short ones. A stable sort: the order within each group is pytest's."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    """No test may reach real AWS or read the developer's AWS config or credentials."""
    home = tmp_path_factory.mktemp("aws-home")
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
