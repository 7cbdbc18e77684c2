# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""When a task runs its module in the controller's worker, and why not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from ansible_collections.mlops.autoscale.plugins.module_utils import _api, _cache
from ansible_collections.mlops.autoscale.plugins.plugin_utils import _in_controller
from ansible_collections.mlops.autoscale.plugins.plugin_utils._in_controller import SETTING_ENV


def _action(**changes):
    task = {"resolved_action": "mlops.autoscale.autoscale_state", "delegate_to": None, "async_val": 0, "environment": [{}]}
    task.update({key: value for key, value in changes.items() if key in task})
    return SimpleNamespace(_task=SimpleNamespace(**task), _connection=SimpleNamespace(transport=changes.get("transport", "local")),
                           _play_context=SimpleNamespace(become=changes.get("become", False)),
                           _templar=SimpleNamespace(template=lambda value: value))


LOCAL = {"ansible_python_interpreter": sys.executable}


@pytest.fixture(autouse=True)
def _autoscale_state_preloaded():
    """What loading autoscale_state's action plugin does (test_loading_an_action_plugin_preloads_its_module_and_the_sdks)."""
    _in_controller.preload("autoscale_state")


#: Loads action plugins in a new interpreter, as ansible's strategy does in its main process, and says what it imported.
LOAD_ACTIONS = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module("ansible_collections.mlops.autoscale.plugins.action." + name)
from ansible_collections.mlops.autoscale.plugins.plugin_utils import _in_controller
from ansible_collections.mlops.autoscale.plugins.plugin_utils._in_controller import SETTING_ENV
print(json.dumps({"loaded": sorted(_in_controller.LOADED), "sdks": sorted(name for name in ("azure.ai.ml", "azure.identity",
      "azure.mgmt.monitor") if name in sys.modules)}))
"""


def _load_actions(cache_dir, *names, **env):
    collections_root = os.path.abspath(_in_controller.__file__).split(os.sep + "ansible_collections" + os.sep)[0]
    env = {**os.environ, SETTING_ENV: "true", "MLOPS_AUTOSCALE_CACHE_DIR": str(cache_dir), "PYTHONPATH": collections_root, **env}
    output = subprocess.run([sys.executable, "-c", LOAD_ACTIONS] + list(names), env=env, check=True, capture_output=True, text=True)
    return json.loads(output.stdout)


def _cache_a_listing(cache_dir, ttl):
    _cache.DiskCache(str(cache_dir)).put(_api.WORKSPACES_LISTED, "a-workspace", True, ttl)


def test_loading_an_action_plugin_preloads_its_module_and_the_sdks(tmp_path):
    assert _load_actions(tmp_path, "autoscale_state") == {
        "loaded": ["autoscale_state"], "sdks": ["azure.ai.ml", "azure.identity", "azure.mgmt.monitor"]}


def test_azure_ai_ml_is_left_out_when_names_are_cached(tmp_path):
    _cache_a_listing(tmp_path, 3600)
    assert _load_actions(tmp_path, "autoscale_state", "autoscale_rule") == {
        "loaded": ["autoscale_rule", "autoscale_state"], "sdks": ["azure.identity", "azure.mgmt.monitor"]}


def test_an_expired_listing_does_not_count(tmp_path):
    _cache_a_listing(tmp_path, -1)
    assert "azure.ai.ml" in _load_actions(tmp_path, "autoscale_state")["sdks"]


@pytest.mark.parametrize("module", ["autoscale_info", "manual_scale"])
def test_modules_that_call_azure_ai_ml_on_every_task_always_get_it(tmp_path, module):
    _cache_a_listing(tmp_path, 3600)
    assert "azure.ai.ml" in _load_actions(tmp_path, module)["sdks"]


def test_the_environment_variable_leaves_the_imports_to_module_processes(tmp_path):
    assert _load_actions(tmp_path, "autoscale_state", **{SETTING_ENV: "false"}) == {"loaded": [], "sdks": []}


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
