# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This plugin_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""The action plugin of every module: run it as ansible.builtin.normal does, telling it which playbook run it is in.

The modules share lookups through an on-disk cache (module_utils/_cache.py). One of them, "this resource group has no
other setting for the target", may only be trusted within the run that listed the resource group, so the module must
know its run: the worker processes of one ansible-playbook are forks of it and inherit its multiprocessing authkey, a
random secret, of which the run id is a one-way digest.
"""

from __future__ import annotations

import hashlib
import multiprocessing

from ansible.plugins.action import ActionBase
from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash
from ansible.vars.clean import remove_internal_keys

from ansible_collections.mlops.autoscale.plugins.module_utils._run import RUN_ID_ENV
from ansible_collections.mlops.autoscale.plugins.plugin_utils import _in_controller

display = Display()


def run_id():
    """The same value in every worker of one ansible-playbook (or ansible) process, another one in the next run."""
    authkey = bytes(multiprocessing.current_process().authkey)
    return hashlib.sha256(b"mlops.autoscale run id\0" + authkey).hexdigest()[:32]


class AutoscaleAction(NormalAction):
    """Runs the module with RUN_ID_ENV in its environment (an ``environment`` set on the task takes precedence): in the
    worker process when the host is the controller itself (plugin_utils/_in_controller.py), else as a module process.

    Each module's action plugin subclasses this one, in the file named after the module: defining it preloads the
    module for the in-controller path."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _in_controller.preload(cls.__module__.rsplit(".", 1)[-1])

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        why_not = _in_controller.refusal(self, task_vars)
        if why_not is None:
            return self._run_in_controller(tmp, task_vars)
        display.vvv("mlops.autoscale: the module runs as a process: {0}".format(why_not))
        return self._run_as_process(tmp, task_vars)

    def _run_in_controller(self, tmp, task_vars):
        result = ActionBase.run(self, tmp, task_vars)  # pylint: disable=bad-super-call
        module_args = dict(self._task.args)
        self._update_module_args(self._task.resolved_action, module_args, task_vars)
        res = _in_controller.run_module(self, task_vars, module_args, {RUN_ID_ENV: run_id()})
        data = _in_controller.parse(self, res)
        remove_internal_keys(data)
        return merge_hash(result, data)

    def _run_as_process(self, tmp, task_vars):
        environment = self._task.environment
        if environment is None:
            environment = []
        elif not isinstance(environment, list):
            environment = [environment]
        self._task.environment = [{RUN_ID_ENV: run_id()}] + environment
        return super().run(tmp, task_vars)
