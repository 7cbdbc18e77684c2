# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This plugin_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Run a module of this collection in the worker process, for hosts whose connection is local.

Every host of this collection is an Azure deployment reached with ``connection: local``: the module process would run
on the controller anyway, with the controller's Python, only to import ansible's module basics and the Azure SDKs
again. Here the module's own ``main()`` runs in the worker instead: the same AnsibleModule (argument validation with the
module's spec, check and diff mode, ``no_log`` masking, warnings, ``fail_json``), fed the arguments the module process
would get, its output parsed by the action plugin as the module process's output is. A module and the SDKs it needs
are imported when its action plugin is loaded, in the main process, before the workers fork (preload; as
ansible.netcommon does for its persistent connections, AnsibleModule is only asked to print its result). Anything
else (another connection, ``delegate_to``, another interpreter, ``become``, ``async``, a task ``environment``, a
missing SDK) ships the module.
"""

from __future__ import annotations

import codecs
import collections.abc
import contextlib
import gc
import importlib
import inspect
import io
import json
import logging
import os
import sys
import traceback
from unittest import mock

from ansible.module_utils import basic
from ansible.module_utils.parsing.convert_bool import boolean

#: The variable (or, when it is not set, the environment variable) that turns the in-controller path off.
SETTING_VAR = "mlops_autoscale_in_controller"
SETTING_ENV = "MLOPS_AUTOSCALE_IN_CONTROLLER"

MODULE_PACKAGE = "ansible_collections.mlops.autoscale.plugins.modules."

#: Modules that call azure-ai-ml on every task (the others only to resolve names the lookup cache does not hold):
#: autoscale_info lists the deployments in scope (include_deployments, the default), manual_scale reads and sets the
#: instance count.
ML_ON_EVERY_TASK = ("autoscale_info", "manual_scale")

#: What azure-ai-ml reads from the environment when it is imported: a cloud registered in another process, or a metadata
#: URL it would fetch at once. The modules clear them before they create an MLClient (_azure.Session.ml_client).
ML_IMPORT_ENV = ("AZUREML_CURRENT_CLOUD", "ARM_CLOUD_METADATA_URL")

#: The modules preloaded in this process, by name (preload).
LOADED = {}


def preload(name):
    """Import the module ``name`` with the SDKs it needs, unless the in-controller path is off or they cannot be imported.

    Called when the module's action plugin is loaded: ansible's linear and free strategies load it in the main process
    before they queue its first task, so the workers fork with the imports done. azure-ai-ml (about 1.3 CPU s, and
    pages that make every fork slower) is imported too when the module needs it on every task (ML_ON_EVERY_TASK), or
    when the lookup cache holds no workspace listing that has not expired: then the run is likely to resolve names by
    listing workspaces. A run that finds names cached needs it not at all; a worker that misses the cache imports it
    for itself.
    """
    if name in LOADED or not boolean(os.environ.get(SETTING_ENV, "true"), strict=False):
        return
    saved = {key: os.environ.pop(key) for key in ML_IMPORT_ENV if key in os.environ}
    try:
        module = importlib.import_module(MODULE_PACKAGE + name)
        from ansible_collections.mlops.autoscale.plugins.module_utils import _azure  # pylint: disable=import-outside-toplevel
        if name in ML_ON_EVERY_TASK or not _listing_cached():
            import azure.ai.ml  # noqa: F401 pylint: disable=import-outside-toplevel,unused-import
    except Exception:  # pylint: disable=broad-exception-caught
        return  # the module is shipped, and its module process reports what is wrong
    finally:
        os.environ.update(saved)
    if _azure.SDK_IMPORT_ERROR:
        return
    _warm_up()
    gc.freeze()
    LOADED[name] = module


def _listing_cached():
    from ansible_collections.mlops.autoscale.plugins.module_utils import _api, _cache  # pylint: disable=import-outside-toplevel
    return _cache.DiskCache(_cache.default_directory()).holds_any(_api.WORKSPACES_LISTED)


#: Types whose "is it a mapping / sequence / set / file?" checks the SDKs, requests and the modules make on every task.
#: A negative answer walks every subclass of the ABC, and azure-ai-ml's models make MutableMapping's tree thousands of
#: classes deep: about 17 ms per (type, ABC) pair and process, until the process has cached it.
CHECKED_TYPES = (type(item for item in ()), map, filter, zip, list, tuple, set, frozenset, str, bytes, bytearray, dict,
                 int, float, bool, type(None), collections.OrderedDict,
                 type({}.keys()), type({}.values()), type({}.items()),
                 type(collections.OrderedDict().keys()), type(collections.OrderedDict().values()),
                 type(collections.OrderedDict().items()))
CHECKED_ABCS = (collections.abc.Mapping, collections.abc.MutableMapping, collections.abc.Sequence,
                collections.abc.MutableSequence, collections.abc.Set, collections.abc.MutableSet, io.IOBase)
#: The same for types and protocols of the libraries, (module, type, module, ABC or protocol), where they exist.
CHECKED_LIBRARY_TYPES = (
    ("requests.structures", "CaseInsensitiveDict", "requests._types", "SupportsItems"),  # requests' header merge
    ("ansible.module_utils._internal._messages", "WarningSummary", "collections.abc", "Mapping"),  # 2.19's warnings
    ("ansible.module_utils._internal._messages", "WarningSummary", "collections.abc", "MutableMapping"),
    ("ansible.module_utils._internal._messages", "DeprecationSummary", "collections.abc", "Mapping"),
    ("ansible.module_utils._internal._messages", "DeprecationSummary", "collections.abc", "MutableMapping"),
)


def _check_library_types():
    for type_module, type_name, abc_module, abc_name in CHECKED_LIBRARY_TYPES:
        with contextlib.suppress(ImportError, AttributeError, TypeError):
            issubclass(getattr(importlib.import_module(type_module), type_name),
                       getattr(importlib.import_module(abc_module), abc_name))


def _warm_up():
    """Pay, once and before the workers fork, what every worker would otherwise pay again on its first task (found with
    py-spy and cProfile on bench/ runs): ABC subclass checks, whose answers each process caches for itself; isodate's
    lazily compiled regular expressions; azure-ai-ml's model tables; lazily imported codecs, transports and ansible's
    JSON profiles; OpenSSL's AES-GCM and HKDF set-up for the token cache."""
    for kind in CHECKED_TYPES:
        for abc in CHECKED_ABCS:
            issubclass(kind, abc)
    _check_library_types()
    if "azure.ai.ml" in sys.modules:
        from ansible_collections.mlops.autoscale.plugins.module_utils import _api  # pylint: disable=import-outside-toplevel
        _api.prepare_ml_models()
    codecs.getincrementaldecoder("utf-8-sig")
    with contextlib.suppress(ImportError):  # the serializer of azure-mgmt-monitor's generated models
        import isodate  # pylint: disable=import-outside-toplevel
        isodate.parse_datetime("2026-01-01T00:00:00.000Z")
        isodate.parse_duration("PT5M")
    with contextlib.suppress(ImportError):  # a private module of azure-core, imported on the first response
        importlib.import_module("azure.core.rest._requests_basic")
    with contextlib.suppress(ImportError, AttributeError):  # ansible-core 2.19's profiles; older versions have none
        from ansible.module_utils.common import json as module_json  # pylint: disable=import-outside-toplevel
        for direction in module_json.Direction:
            module_json.get_module_encoder("legacy", direction)
            module_json.get_module_decoder("legacy", direction)
    with contextlib.suppress(ImportError):
        from cryptography.hazmat.primitives import hashes  # pylint: disable=import-outside-toplevel
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # pylint: disable=import-outside-toplevel
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF  # pylint: disable=import-outside-toplevel
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"warm-up").derive(b"warm-up")
        AESGCM(key).encrypt(bytes(12), b"", None)


def refusal(action, task_vars):
    """Why the task must ship its module (None: it may run in the worker)."""
    task = action._task  # pylint: disable=protected-access
    setting = task_vars.get(SETTING_VAR, os.environ.get(SETTING_ENV, True))
    checks = (
        (not boolean(action._templar.template(setting), strict=False), "{0} is false".format(SETTING_VAR)),  # pylint: disable=protected-access
        (task.resolved_action.rsplit(".", 1)[-1] not in LOADED, "the modules or the Azure SDKs cannot be imported in the controller"),
        (getattr(action._connection, "transport", None) != "local", "the connection is not local"),  # pylint: disable=protected-access
        (bool(task.delegate_to), "the task is delegated"),
        (bool(task.async_val), "the task is async"),
        (bool(action._play_context.become), "the task uses become"),  # pylint: disable=protected-access
        (_sets_environment(task.environment), "the task sets an environment"),
        (not _controller_python(action, task_vars), "ansible_python_interpreter is not the controller's Python"),
    )
    return next((why for failed, why in checks if failed), None)


def _sets_environment(environment):
    if not isinstance(environment, list):
        return bool(environment)
    return any(environment)


def _controller_python(action, task_vars):
    interpreter = task_vars.get("ansible_python_interpreter")
    if not interpreter:
        return False
    interpreter = os.path.normpath(str(action._templar.template(interpreter)))  # pylint: disable=protected-access
    if interpreter == os.path.normpath(sys.executable):
        return True
    # python, python3 and python3.11 of one virtual environment are one interpreter (not so its base Python).
    try:
        return os.path.dirname(interpreter) == os.path.dirname(sys.executable) and os.path.samefile(interpreter, sys.executable)
    except OSError:
        return False


@contextlib.contextmanager
def _module_args(args):
    """Expose ``args`` to the AnsibleModule that main() creates, as a module process's wrapper does."""
    try:
        from ansible.module_utils.common import json as module_json  # pylint: disable=import-outside-toplevel
        encoder = module_json.get_module_encoder("legacy", module_json.Direction.CONTROLLER_TO_MODULE)
    except (ImportError, AttributeError):  # before ansible-core 2.19 (no data tagging)
        with mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()):
            yield
        return
    payload = json.dumps({"ANSIBLE_MODULE_ARGS": args}, cls=encoder).encode()
    with mock.patch.object(basic, "_ANSIBLE_ARGS", payload), mock.patch.object(basic, "_ANSIBLE_PROFILE", "legacy"):
        yield


@contextlib.contextmanager
def _as_a_module_process():
    """AnsibleModule records its warnings in its result only outside the controller (ansible-core 2.19)."""
    from ansible.module_utils.common import warnings as module_warnings  # pylint: disable=import-outside-toplevel
    try:
        from ansible.module_utils import _internal  # pylint: disable=import-outside-toplevel
    except ImportError:  # 2.17
        _internal = None
    patches = [mock.patch.object(_internal, "is_controller", False)] if hasattr(_internal, "is_controller") else []
    with contextlib.ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        module_warnings._global_warnings.clear()  # pylint: disable=protected-access
        module_warnings._global_deprecations.clear()  # pylint: disable=protected-access
        logging.disable(logging.CRITICAL)  # the SDKs' log lines go to a module process's stderr, which nobody reads
        try:
            yield
        finally:
            logging.disable(logging.NOTSET)


def run_module(action, task_vars, module_args, environment):
    """Run the module's main() in this process; returns (rc, stdout, stderr) as a module process's would be."""
    module = LOADED[action._task.resolved_action.rsplit(".", 1)[-1]]  # pylint: disable=protected-access
    out, err = io.StringIO(), io.StringIO()
    os.environ.update(environment)
    rc = 0
    with _module_args(module_args), _as_a_module_process(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            module.main()
        except SystemExit as exit_:
            rc = exit_.code if isinstance(exit_.code, int) else 1
        except Exception:  # pylint: disable=broad-exception-caught
            # What a module process would print to stderr before dying; parsing then fails with MODULE FAILURE.
            err.write(traceback.format_exc())
            rc = 1
    return {"rc": rc, "stdout": out.getvalue(), "stderr": err.getvalue()}


def parse(action, res):
    """The module's result as the action plugin parses a module process's output."""
    if "profile" in inspect.signature(action._parse_returned_data).parameters:  # pylint: disable=protected-access
        return action._parse_returned_data(res, "legacy")  # pylint: disable=protected-access
    return action._parse_returned_data(res)  # pylint: disable=protected-access
