# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of the module tests: one ARM emulator per test file, the client environment pointing at it."""

from __future__ import annotations

import time

import pytest

from arm_emulator.testing import ArmClient as Arm, EmulatorProcess

from ansible_collections.mlops.autoscale.tests.unit.plugins.modules.utils import forget_cloud


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    """An emulator for the test file (HTTPS on 127.0.0.1, default seed)."""
    emu = EmulatorProcess.start(tmp_path_factory.mktemp("arm-emulator"))
    forget_cloud(emu.env["cloud_name"])
    try:
        yield emu
    finally:
        emu.stop()
        forget_cloud(emu.env["cloud_name"])


@pytest.fixture(scope="module")
def arm(emulator):
    """Raw client as the writer principal."""
    return Arm(emulator)


@pytest.fixture
def deployment(emulator):
    """Factory: the env.json entry of a deployment."""
    def _find(endpoint="ep-fraud", name="blue"):
        return next(item for item in emulator.env["deployments"] if item["endpoint"] == endpoint and item["name"] == name)
    return _find


@pytest.fixture(autouse=True)
def azure_env(emulator, arm, monkeypatch, tmp_path):
    """The client environment of env.json (options fall back to it), a private HOME, no sleeping, a clean emulator."""
    for key, value in emulator.client_env().items():
        monkeypatch.setenv(key, value)
    for key in ("AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "AZURE_PROFILE", "ANSIBLE_AZURE_AUTH_SOURCE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(time, "sleep", lambda _seconds: None)
    emulator.clear_faults()
    emulator.clear_requests()
    yield emulator.env
    emulator.clear_faults()
    for setting in arm.settings():
        arm.call("DELETE", setting["id"])
    emulator.clear_requests()


@pytest.fixture
def target_args():
    """Module options naming the seeded ep-fraud/blue deployment."""
    return {"resource_group": "rg-ml-prod", "workspace": "ws-prod", "endpoint": "ep-fraud", "deployment": "blue"}
