# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""When a task runs its module in the controller's worker, and why not."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest

from ansible_collections.mlops.autoscale.plugins.plugin_utils import _in_controller


def _action(**changes):
    task = {"resolved_action": "mlops.autoscale.autoscale_state", "delegate_to": None, "async_val": 0, "environment": [{}]}
    task.update({key: value for key, value in changes.items() if key in task})
    return SimpleNamespace(_task=SimpleNamespace(**task), _connection=SimpleNamespace(transport=changes.get("transport", "local")),
                           _play_context=SimpleNamespace(become=changes.get("become", False)),
                           _templar=SimpleNamespace(template=lambda value: value))


LOCAL = {"ansible_python_interpreter": sys.executable}


def test_the_modules_and_sdks_are_imported_before_any_worker():
    assert set(_in_controller.LOADED) == set(_in_controller.MODULES)
    assert "azure.ai.ml" in sys.modules and "azure.mgmt.monitor" in sys.modules


def test_a_local_host_on_the_controllers_python_runs_in_the_worker():
    assert _in_controller.refusal(_action(), LOCAL) is None


@pytest.mark.parametrize("changes, task_vars, why", [
    ({"transport": "ssh"}, LOCAL, "the connection is not local"),
    ({"delegate_to": "other"}, LOCAL, "the task is delegated"),
    ({"async_val": 30}, LOCAL, "the task is async"),
    ({"become": True}, LOCAL, "the task uses become"),
    ({"environment": [{"HTTPS_PROXY": "http://proxy:3128"}]}, LOCAL, "the task sets an environment"),
    ({}, {"ansible_python_interpreter": "/usr/bin/python3"}, "ansible_python_interpreter is not the controller's Python"),
    ({}, {}, "ansible_python_interpreter is not the controller's Python"),
    ({}, dict(LOCAL, mlops_autoscale_in_controller=False), "mlops_autoscale_in_controller is false"),
    ({"resolved_action": "mlops.autoscale.unknown"}, LOCAL, "the modules or the Azure SDKs cannot be imported in the controller"),
])
def test_anything_else_ships_the_module(changes, task_vars, why):
    assert _in_controller.refusal(_action(**changes), task_vars) == why


def test_the_environment_variable_turns_it_off(monkeypatch):
    monkeypatch.setenv(_in_controller.SETTING_ENV, "0")
    assert _in_controller.refusal(_action(), LOCAL) == "mlops_autoscale_in_controller is false"
