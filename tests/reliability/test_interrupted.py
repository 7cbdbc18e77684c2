# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Interrupted runs: a module process killed with SIGKILL at any point leaves the setting exactly as it was or exactly as
intended (compared in the normalised vocabulary), never in between.

A latency fault on PUT holds each write back for a while, so the kills land before, during and after the PUT (and in the
verify-after-write step). The server finishes a PUT whose client died, as Azure does.
"""

from __future__ import annotations

import os
import signal
import time

import helpers

NAME = "autoscale-ep-fraud-blue"
PUT_LATENCY_MS = 1200
#: Seconds after the start of the module process at which it is killed (the calibration run shows where the PUT is).
OFFSETS = [0.0, 0.05, 0.15, 0.3, 0.5, 0.7, 0.9, 1.1, 1.3, 1.6, 1.9, 2.2, 2.6, 3.0]


def _before(target_id):
    return helpers.setting_body(target_id, minimum=1, maximum=3, tags={"owner": "ml-platform"}, rules=[
        helpers.rule_wire("CpuUtilizationPercentage", "GreaterThan", 80, "Increase", target_id, cooldown="PT15M")])


def _intended_args(target_id):
    """A policy that changes many fields at once: capacity, rules, tags, notifications, a scheduled profile."""
    rules = [{"metric_name": "CpuUtilizationPercentage", "operator": "GreaterThan", "threshold": 70, "direction": "Increase",
              "cooldown": "15m"},
             {"metric_name": "CpuUtilizationPercentage", "operator": "LessThan", "threshold": 25, "direction": "Decrease",
              "time_window": "10m", "cooldown": "15m"},
             {"metric_name": "RequestLatency", "metric_resource": "endpoint", "operator": "GreaterThan", "threshold": 250,
              "direction": "Increase", "value": 2, "cooldown": "15m"}]
    return {"target_id": target_id, "tags": {"owner": "ml-platform", "tier": "gold"},
            "notifications": {"custom_emails": ["oncall@example.com"]},
            "profiles": [{"name": "default", "capacity": {"minimum": 2, "maximum": 6, "default": 2}, "rules": rules},
                         {"name": "weekend", "capacity": {"minimum": 1, "maximum": 2, "default": 1},
                          "recurrence": {"days": ["Saturday", "Sunday"], "time_zone": "W. Europe Standard Time", "start": "00:00",
                                         "end": "23:00"}, "rules": []}]}


def _settle(emulator, arm):
    """Wait until no held-back PUT can still land, then read the setting."""
    time.sleep(PUT_LATENCY_MS / 1000.0 + 0.4)
    emulator.clear_faults()
    return arm.get("rg-ml-prod", NAME)


def test_killed_task_leaves_before_or_intended(emulator, arm, client_env, figures):
    target_id = helpers.deployment_entry(emulator, "ep-fraud", "blue")["id"]
    latency = [{"action": "latency", "latency_ms": PUT_LATENCY_MS, "methods": ["PUT"], "path": NAME + "$"}]

    # The intended state: one uninterrupted run.
    arm.put("rg-ml-prod", NAME, _before(target_id))
    before = helpers.vocabulary(arm.get("rg-ml-prod", NAME))
    emulator.set_faults(latency)
    started = time.monotonic()
    process, queue = helpers.fork_module("autoscale_state", _intended_args(target_id))
    kind, result, _warnings, _seconds = queue.get(timeout=120)
    process.join(30)
    calibration = time.monotonic() - started
    assert kind == "ok" and result["changed"], result
    intended = helpers.vocabulary(_settle(emulator, arm))
    assert intended != before

    outcomes = {"before": 0, "intended": 0, "in_between": 0}
    details = []
    for offset in OFFSETS:
        arm.put("rg-ml-prod", NAME, _before(target_id))
        emulator.clear_requests()
        emulator.set_faults(latency)
        process, queue = helpers.fork_module("autoscale_state", _intended_args(target_id))
        time.sleep(offset)
        try:
            os.kill(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.join(30)
        finished = process.exitcode != -signal.SIGKILL  # the run was over before the kill
        now = helpers.vocabulary(_settle(emulator, arm))
        puts = list(helpers.autoscale_writes(emulator.requests()))
        state = "before" if now == before else "intended" if now == intended else "in_between"
        outcomes[state] += 1
        details.append({"offset": offset, "put_sent": bool(puts), "exited_before_kill": finished, "state": state})
    figures["interrupted_runs"] = {"kills": len(OFFSETS), "calibration_run_seconds": round(calibration, 2), "outcomes": outcomes,
                                   "kills_before_put": sum(1 for item in details if not item["put_sent"]),
                                   "kills_during_or_after_put": sum(1 for item in details if item["put_sent"]),
                                   "details": details, "command": "make reliability PYTEST_ARGS='-k killed'"}
    assert outcomes["in_between"] == 0, details
    assert outcomes["before"] and outcomes["intended"], details  # the kills did land on both sides of the write


def test_cache_survives_kills(figures):
    """Kills never leave a cache entry that does not parse (entries are written to a temporary file, then renamed)."""
    import json  # pylint: disable=import-outside-toplevel
    bad = []
    checked = 0
    for folder, _dirs, files in os.walk(helpers.CACHE_DIR):
        if os.path.basename(folder) == "locks":  # empty files that only carry flock locks
            continue
        for name in files:
            if name.startswith(".tmp-"):
                continue
            checked += 1
            try:
                json.loads(open(os.path.join(folder, name), encoding="utf-8").read())
            except ValueError:
                bad.append(name)
    figures["interrupted_runs"]["cache_entries_checked"] = checked
    assert not bad
