# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start-up cost of one module invocation, ours and the peer's (called by bench/run.py, on an emulator without
added latency): import times and profiles, credential / token / first request, and issue 6's ten-reads yardstick."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import time

import run as bench

HERE = os.path.dirname(os.path.abspath(__file__))
REPEAT = 3
TEN_REPEAT = 3  # ten-reads playbooks: one warm-up, then this many timed runs

# What each import measurement imports (the module file, so module_utils and SDKs come as in a real invocation).
IMPORTS = {
    "interpreter": ("ours", "pass"),
    "floor": ("ours", "import ansible.module_utils.basic, azure.identity, azure.mgmt.monitor"),
    "ours": ("ours", "import ansible_collections.mlops.autoscale.plugins.modules.autoscale_state"),
    "ours_info": ("ours", "import ansible_collections.mlops.autoscale.plugins.modules.autoscale_info"),
    "azure_ai_ml": ("ours", "import azure.ai.ml"),
    "peer_common": ("peer", "import ansible_collections.azure.azcollection.plugins.module_utils.azure_rm_common"),
    "peer": ("peer", "import ansible_collections.azure.azcollection.plugins.modules.azure_rm_autoscale"),
}

DEPLOYMENT = {"resource_group": "rg-ml-prod", "workspace": "ws-prod", "endpoint": "ep-fraud", "deployment": "blue",
              "location": "eastus"}
SETTING = "autoscale-ep-fraud-blue"


def _group(name):
    parts = name.split(".")
    if name.startswith("azure.mgmt.") or name.startswith("ansible_collections."):
        return ".".join(parts[:3])
    if name.startswith(("azure.", "ansible.module_utils.", "opentelemetry.", "msgraph.", "google.")):
        return ".".join(parts[:2])
    return parts[0]


def parse_importtime(text):
    """Self time summed by package group (ms), biggest first, and the total (ms)."""
    groups, total = {}, 0
    for line in text.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        _prefix, self_us, _cumulative, name = [part.strip() for part in line.replace("import time:", "|").split("|")]
        groups[_group(name)] = groups.get(_group(name), 0) + int(self_us) / 1000.0
        total += int(self_us) / 1000.0
    top = sorted(groups.items(), key=lambda item: -item[1])
    return {"total_ms": total, "modules": sum(1 for line in text.splitlines() if line.startswith("import time:")) - 1,
            "top": top[:10]}


def _python_env(tool, emulator=None, cache_dir=None):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AZURE_", "ARM_", "PYTHONPATH"))}
    if tool.name == "ours":
        env["PYTHONPATH"] = bench.COLLECTIONS
    if emulator is not None:
        env.update(emulator.env())
        for key in tool.drop_env:
            env.pop(key, None)
    if cache_dir:
        env["MLOPS_AUTOSCALE_CACHE_DIR"] = cache_dir
    env.update({key: value for key, value in tool.extra_env.items() if key == "AZURE_CONFIG_DIR"})
    return env


def measure_imports(tools, log):
    results = {}
    for label, (side, code) in IMPORTS.items():
        tool = tools[side]
        env = _python_env(tool)
        walls, cpus, rss = [], [], []
        for _repeat in range(REPEAT):
            completed = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", tool.python, "-c", code], env=env, check=True,
                                       capture_output=True, text=True)
            wall, user, system, peak = completed.stderr.strip().splitlines()[-1].split()
            walls.append(float(wall))
            cpus.append(float(user) + float(system))
            rss.append(int(peak) / 1024.0)
        profile = subprocess.run([tool.python, "-X", "importtime", "-c", code], env=env, check=True,
                                 capture_output=True, text=True).stderr
        results[label] = {"code": code, "python": tool.python, "wall_median": statistics.median(walls),
                          "wall_min": min(walls), "cpu_median": statistics.median(cpus), "rss_mib": statistics.median(rss),
                          "profile": parse_importtime(profile)}
        log("import %s: %.2f s wall, %.2f s CPU (median of %d), %.0f MiB" % (
            label, results[label]["wall_median"], results[label]["cpu_median"], REPEAT, results[label]["rss_mib"]))
    return results


def measure_probe(emulator, tools, work, log):
    results = {}
    cache_dir = os.path.join(work, "startup-cache")
    for label, side, cache in (("ours_cold_cache", "ours", "cold"), ("ours_warm_cache", "ours", "warm"),
                               ("peer", "peer", None)):
        tool = tools[side]
        runs = []
        for _repeat in range(REPEAT):
            if cache == "cold":
                shutil.rmtree(cache_dir, ignore_errors=True)
            env = _python_env(tool, emulator, cache_dir)
            emulator.clear_log()
            start, cpu_start = time.monotonic(), bench.children_cpu()
            output = subprocess.run([tool.python, os.path.join(HERE, "startup_probe.py"), side, DEPLOYMENT["resource_group"],
                                     SETTING], env=env, check=True, capture_output=True, text=True).stdout
            wall, cpu = time.monotonic() - start, bench.children_cpu() - cpu_start
            phases = json.loads(output.strip().splitlines()[-1])
            phases["interpreter"] = wall - phases["in_process"]
            phases["total"] = wall
            phases["cpu"] = cpu
            phases["requests"] = bench.classify(emulator.requests_log())
            runs.append(phases)
        keys = ("interpreter", "imports", "credential", "token", "first_request", "total", "cpu")
        results[label] = {key: statistics.median(run[key] for run in runs) for key in keys}
        results[label]["requests"] = runs[-1]["requests"]
        log("probe %s: %s" % (label, {key: round(value, 3) for key, value in results[label].items() if key != "requests"}))
    return results


def measure_ten_reads(emulator, tools, work, log):
    """Issue 6: ten reads in one playbook, each a module process (ours too: MLOPS_AUTOSCALE_IN_CONTROLLER=0), and ours
    once more in the controller's worker (issue 15); one warm-up run each, then REPEAT timed runs."""
    results = {}
    cache_dir = os.path.join(work, "startup-cache")
    for label, side, playbook, in_controller in (
            ("ours", "ours", "ten_reads_ours.yml", "0"), ("ours_in_controller", "ours", "ten_reads_ours.yml", "1"),
            ("minimal", "ours", "ten_reads_minimal.yml", None), ("peer", "peer", "ten_reads_peer.yml", None)):
        base = tools[side]
        extra = dict(base.extra_env)
        if side == "ours":
            extra["MLOPS_AUTOSCALE_CACHE_DIR"] = cache_dir
        if in_controller is not None:
            extra["MLOPS_AUTOSCALE_IN_CONTROLLER"] = in_controller
        path = bench.peer_playbook(work, playbook) if side == "peer" else os.path.join(HERE, playbook)
        tool = bench.Tool(base.name, base.venv, path, extra, base.drop_env)
        inventory = os.path.join(work, "inventory-ten-reads-%s.json" % side)
        with open(inventory, "w", encoding="utf-8") as handle:
            json.dump({"all": {"hosts": {"localhost": {
                "ansible_connection": "local", "ansible_python_interpreter": tool.python,
                "bench_resource_group": DEPLOYMENT["resource_group"], "bench_workspace": DEPLOYMENT["workspace"],
                "bench_endpoint": DEPLOYMENT["endpoint"], "bench_deployment": DEPLOYMENT["deployment"],
                "bench_setting": SETTING}}}}, handle)
        walls, cpus, last = [], [], None
        for attempt in range(TEN_REPEAT + 1):
            last = bench.run_playbook(tool, emulator, inventory, 1, False, work, "ten-reads-%s-%d" % (label, attempt))
            if last["status"] != 0:
                raise RuntimeError("ten reads (%s) failed, see %s" % (label, last["log"]))
            if attempt:
                walls.append(last["wall"])
                cpus.append(last["cpu"])
        results[label] = {"wall_median": statistics.median(walls), "wall_min": min(walls), "cpu_median": statistics.median(cpus),
                          "requests": last["requests"]}
        log("ten reads %s: %.2f s (median of %d)" % (label, results[label]["wall_median"], TEN_REPEAT))
    return results


def measure_startup(emulator, ours, peer, work, log):
    tools = {"ours": ours, "peer": peer}
    # One setting to read: the default seed's ws-prod/ep-fraud/blue, created by our module (this also warms our cache).
    setup = bench.Tool("ours", ours.venv, os.path.join(HERE, "ours_module.yml"),
                       dict(ours.extra_env, MLOPS_AUTOSCALE_CACHE_DIR=os.path.join(work, "startup-cache")))
    inventory = os.path.join(work, "inventory-startup.json")
    bench.write_inventory(inventory, [dict(DEPLOYMENT, subscription=emulator.info["AZURE_SUBSCRIPTION_ID"])], ours.python)
    result = bench.run_playbook(setup, emulator, inventory, 1, False, work, "startup-setup")
    if result["status"] != 0:
        raise RuntimeError("could not create the setting for the start-up measurements, see %s" % result["log"])
    return {"imports": measure_imports(tools, log), "probe": measure_probe(emulator, tools, work, log),
            "ten_reads": measure_ten_reads(emulator, tools, work, log)}
