# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Helpers of the reliability suite: raw REST, in-process and forked module runs, ansible-playbook runs, comparisons."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path


from ansible_collections.mlops.autoscale.tests.unit.plugins.modules import utils as module_utils

ROOT = Path(__file__).resolve().parents[2]
OUTPUT_DIR = ROOT / "tests" / "output" / "reliability"
CACHE_DIR = OUTPUT_DIR / "token-cache"
COLLECTIONS_PATH = ROOT / ".build" / "collections"
AUTOSCALE_PATH = re.compile(r"/providers/microsoft\.insights/autoscalesettings", re.IGNORECASE)
WRITE_METHODS = ("PUT", "PATCH", "DELETE")

#: Webhook signatures used by this suite: the secrets test greps every log for them.
SIGNATURES = ("sigRel5FleetQx7Lm2Pz9", "sigRel5VvvAa1Bb2Cc3", "sigRel5VvvDd4Ee5Ff6", "sigRel5BadHttpGg7Hh8",
              "sigRel5BatteryJj9Kk0")

SCRUBBED_PREFIXES = ("AZURE_", "AZUREML_", "ARM_", "MSI_", "IDENTITY_", "IMDS_", "ANSIBLE_")
SCRUBBED_NAMES = ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy",
                  "https_proxy", "ALL_PROXY", "all_proxy")


# ---------------------------------------------------------------- emulator and environment

def point_env_at(monkeypatch, emulator, home):
    """The client environment of an emulator (module options fall back to it) and nothing from outside."""
    for key in list(os.environ):
        if key.startswith(SCRUBBED_PREFIXES) or key in SCRUBBED_NAMES:
            monkeypatch.delenv(key, raising=False)
    for key, value in emulator.client_env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("MLOPS_AUTOSCALE_CACHE_DIR", str(cache_dir(emulator)))


def cache_dir(emulator):
    """The modules' cache for ``emulator`` under CACHE_DIR: each emulator (its own signing key, maybe an earlier one's
    port) gets its own, so no token cached against another is offered to it."""
    folder = CACHE_DIR / Path(emulator.state_dir).name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def deployment_entry(emulator, endpoint, name, workspace=None):
    return next(item for item in emulator.env["deployments"]
                if item["endpoint"] == endpoint and item["name"] == name and (workspace is None or item["workspace"] == workspace))


def autoscale_writes(entries, successful_only=False):
    """PUT/PATCH/DELETE requests on autoscale settings in a request log."""
    return [entry for entry in entries if entry.get("kind") == "arm" and entry["method"] in WRITE_METHODS
            and AUTOSCALE_PATH.search(entry["path"]) and (not successful_only or 200 <= entry["status"] < 300)]


def arm_writes(entries, successful_only=False):
    """Every ARM write (autoscale or not) in a request log."""
    return [entry for entry in entries if entry.get("kind") == "arm" and entry["method"] in WRITE_METHODS
            and (not successful_only or 200 <= entry["status"] < 300)]


# ---------------------------------------------------------------- bodies and comparisons

def rule_wire(metric, operator, threshold, direction, resource_id, value=1, cooldown="PT5M", window="PT5M"):
    return {
        "metricTrigger": {"metricName": metric, "metricNamespace": "", "metricResourceUri": resource_id, "timeGrain": "PT1M",
                          "statistic": "Average", "timeWindow": window, "timeAggregation": "Average", "operator": operator,
                          "threshold": threshold},
        "scaleAction": {"direction": direction, "type": "ChangeCount", "value": str(value), "cooldown": cooldown},
    }


def setting_body(target_id, location="eastus", minimum=1, maximum=3, default=1, rules=(), tags=None, extra_profiles=()):
    return {"location": location, "tags": dict(tags or {}), "properties": {
        "enabled": True, "targetResourceUri": target_id, "notifications": [],
        "profiles": [{"name": "default", "capacity": {"minimum": str(minimum), "maximum": str(maximum), "default": str(default)},
                      "rules": list(rules)}] + list(extra_profiles)}}


def vocabulary(raw):
    """The normalised vocabulary of a raw setting, with order-insensitive rules: what "the same policy" means."""
    from ansible_collections.mlops.autoscale.plugins.module_utils import _model  # pylint: disable=import-outside-toplevel
    if raw is None:
        return None
    setting = _model.render(_model.normalise_setting(raw))
    for key in ("id",):
        setting.pop(key, None)
    for profile in setting["profiles"]:
        profile["rules"] = sorted(json.dumps(rule, sort_keys=True) for rule in profile["rules"])
    return json.loads(json.dumps(setting, sort_keys=True))


def rule_metrics(raw):
    """(metric name, direction, operator, threshold) of every rule of every profile."""
    found = set()
    for profile in (raw or {}).get("properties", {}).get("profiles", []):
        for rule in profile.get("rules") or []:
            trigger, action = rule["metricTrigger"], rule["scaleAction"]
            found.add((trigger["metricName"], action["direction"], trigger["operator"], float(trigger["threshold"])))
    return found


# ---------------------------------------------------------------- in-process module runs

def run_module(module_object, args):
    """Run ``module_object.main()`` in this process; return ("ok"|"failed", result)."""
    kind, result = module_utils.run_module(module_object, args)
    return ("ok" if kind is module_utils.AnsibleExitJson else "failed"), result


def module(name):
    """The module object ``plugins/modules/<name>.py``."""
    import importlib  # pylint: disable=import-outside-toplevel
    return importlib.import_module("ansible_collections.mlops.autoscale.plugins.modules." + name)


def warnings_of(result):
    """The warnings of a module run in this process (AnsibleModule.warn keeps them globally until exit_json)."""
    from ansible.module_utils.common import warnings  # pylint: disable=import-outside-toplevel
    texts = [str(text) for text in warnings.get_warning_messages()]
    for warning in result.get("warnings") or []:
        texts.append(getattr(getattr(warning, "event", None), "msg", None) or str(warning))
    return texts


def _child(queue, barrier, module_name, args, delay):
    try:
        if barrier is not None:
            barrier.wait(timeout=30)
        if delay:
            time.sleep(delay)
        started = time.monotonic()
        kind, result = run_module(module(module_name), args)
        result = json.loads(json.dumps(result, default=str))
        queue.put((kind, result, warnings_of(result), time.monotonic() - started))
    except BaseException as exc:  # pylint: disable=broad-exception-caught
        queue.put(("crashed", {"msg": repr(exc)}, [], 0.0))


def fork_module(module_name, args, barrier=None, delay=0.0, queue=None):
    """Start ``module_name`` in a forked process (the imports of this process are reused: a run costs only its calls)."""
    context = multiprocessing.get_context("fork")
    queue = queue or context.Queue()
    process = context.Process(target=_child, args=(queue, barrier, module_name, args, delay), daemon=True)
    process.start()
    return process, queue


# ---------------------------------------------------------------- ansible-playbook runs

def ansible_playbook():
    candidate = Path(sys.executable).with_name("ansible-playbook")
    return str(candidate) if candidate.is_file() else shutil.which("ansible-playbook")


def ansible_base_env():
    env = {key: value for key, value in os.environ.items() if not key.startswith(SCRUBBED_PREFIXES) and key not in SCRUBBED_NAMES}
    link = COLLECTIONS_PATH / "ansible_collections" / "mlops" / "autoscale"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink():
            link.unlink()
        link.symlink_to(Path("..", "..", "..", ".."), target_is_directory=True)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH), "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_HOST_KEY_CHECKING": "0", "PYTHONDONTWRITEBYTECODE": "1", "ANSIBLE_LOCALHOST_WARNING": "0",
    })
    return env


def playbook_env(base, emulator, home):
    env = dict(base)
    env.update(emulator.client_env())
    env["HOME"] = str(home)
    env["MLOPS_AUTOSCALE_CACHE_DIR"] = str(cache_dir(emulator))
    return env


def run_playbook(args, env, log_name, cwd=None, timeout=900):
    """Run ansible-playbook; its full output goes to tests/output/reliability/<log_name>.log. Returns (rc, output, seconds)."""
    command = [ansible_playbook()] + [str(arg) for arg in args]
    started = time.monotonic()
    result = subprocess.run(command, env=env, cwd=str(cwd or ROOT), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, timeout=timeout, check=False)
    elapsed = time.monotonic() - started
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUTPUT_DIR / (log_name + ".log")).write_text("$ {0}\n# rc={1} elapsed={2:.1f}s\n{3}".format(
        " ".join(command), result.returncode, elapsed, result.stdout), encoding="utf-8")
    return result.returncode, result.stdout, elapsed


RECAP = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.MULTILINE)
FATAL = re.compile(r"^fatal: \[([^\]]+)\]: FAILED! => (\{.*\}|\{.*?\n\})$", re.MULTILINE)


def recap(output):
    """{host: {ok, changed, unreachable, failed}} from the PLAY RECAP."""
    return {match.group(1): dict(zip(("ok", "changed", "unreachable", "failed"), map(int, match.groups()[1:])))
            for match in RECAP.finditer(output)}


def failures(output):
    """{host: failure result} from the default callback's ``fatal: [host]: FAILED! => {...}`` lines."""
    found = {}
    for match in FATAL.finditer(output):
        try:
            found[match.group(1)] = json.loads(match.group(2))
        except ValueError:
            found[match.group(1)] = {"msg": match.group(2)}
    return found
