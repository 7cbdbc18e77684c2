# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test-only callback: appends every mlops.autoscale task result, as the play sees it, to $MLOPS_RECORD_FILE (JSON lines)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: mlops_record
type: aggregate
short_description: Record mlops.autoscale task results (integration tests only)
description: Appends every mlops.autoscale task result to the JSON lines file named by E(MLOPS_RECORD_FILE).
requirements: [enabled in callbacks_enabled]
"""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    """Records the results of this collection's tasks."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "mlops_record"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, result, status):
        task = result._task  # pylint: disable=protected-access
        action = getattr(task, "resolved_action", None) or task.action
        path = os.environ.get("MLOPS_RECORD_FILE")
        if not path or not str(action).startswith("mlops.autoscale."):
            return
        entry = {"task": task.get_name(), "action": action, "status": status, "result": result._result}  # pylint: disable=protected-access
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, default=str, sort_keys=True) + "\n")

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_item_on_ok(self, result):
        self._record(result, "item ok")

    def v2_runner_item_on_failed(self, result):
        self._record(result, "item failed")
