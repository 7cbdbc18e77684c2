# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Helpers to run a module's main() in-process (as in community.internal_test_tools)."""

from __future__ import annotations

import contextlib
import json
import os
from unittest.mock import patch

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes


@contextlib.contextmanager
def set_module_args(args):
    """Expose ``args`` to the AnsibleModule created inside the block."""
    args = dict(args)
    args.setdefault("_ansible_remote_tmp", "/tmp")
    args.setdefault("_ansible_keep_remote_files", False)
    try:
        from ansible.module_utils.testing import patch_module_args  # pylint: disable=import-outside-toplevel
    except ImportError:  # ansible-core < 2.19, before data tagging: the only case for patching _ANSIBLE_ARGS
        with patch.object(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))):
            yield
        return
    with patch_module_args(args):
        yield


class AnsibleExitJson(Exception):
    """Raised by the exit_json replacement; ``args[0]`` is the result."""


class AnsibleFailJson(Exception):
    """Raised by the fail_json replacement; ``args[0]`` is the result."""


def exit_json(*args, **kwargs):  # pylint: disable=unused-argument
    """Replacement for AnsibleModule.exit_json."""
    kwargs.setdefault("changed", False)
    raise AnsibleExitJson(kwargs)


def fail_json(*args, **kwargs):  # pylint: disable=unused-argument
    """Replacement for AnsibleModule.fail_json."""
    kwargs["failed"] = True
    raise AnsibleFailJson(kwargs)


@contextlib.contextmanager
def patched_module():
    """Patch exit_json/fail_json onto AnsibleModule for the block."""
    with patch.multiple(basic.AnsibleModule, exit_json=exit_json, fail_json=fail_json):
        yield


def extract_warnings_texts(result):
    """The warnings of a result as strings (2.19 warnings may be objects)."""
    texts = []
    for warning in result.get("warnings") or []:
        if not isinstance(warning, (str, dict)):
            try:
                texts.append(warning.event.msg)
                continue
            except AttributeError:
                pass
        texts.append(warning)
    return texts


def _not_the_controller():
    """A module process is never the controller, even when the test has imported controller code: from 2.19, warnings
    are only recorded then (before 2.19 they always are)."""
    try:
        from ansible.module_utils import _internal  # pylint: disable=import-outside-toplevel
    except ImportError:  # 2.17
        return contextlib.nullcontext()
    if not hasattr(_internal, "is_controller"):  # 2.18 has the package, not the flag
        return contextlib.nullcontext()
    return patch.object(_internal, "is_controller", False)


def run_module(module, args):
    """Run ``module.main()`` with ``args``; return (exception type, result dict). The result carries the warnings the
    module recorded (as the real exit_json returns them)."""
    from ansible.module_utils.common import warnings as module_warnings  # pylint: disable=import-outside-toplevel
    module_warnings._global_warnings.clear()  # pylint: disable=protected-access  # (a dict from 2.19, a list before)
    with set_module_args(args), patched_module(), _not_the_controller():
        try:
            module.main()
        except AnsibleExitJson as exc:
            return AnsibleExitJson, dict(exc.args[0], warnings=module_warnings.get_warning_messages())
        except AnsibleFailJson as exc:
            return AnsibleFailJson, dict(exc.args[0], warnings=module_warnings.get_warning_messages())
    raise AssertionError("the module returned without exit_json or fail_json")


def forget_cloud(name):
    """azure-ai-ml registers a custom cloud once per process and never updates it: drop the previous emulator's."""
    from azure.ai.ml import _azure_environments  # pylint: disable=import-outside-toplevel
    _azure_environments._environments.pop(name, None)  # pylint: disable=protected-access
    os.environ.pop("AZUREML_CURRENT_CLOUD", None)
