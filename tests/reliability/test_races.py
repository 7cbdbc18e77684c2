# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Concurrent edits. Autoscale settings have no ETag: the last writer wins. The write modules verify after writing and
re-apply their change on the fresh state (option write_verify_delay), so racing writers lose no change, or fail clearly.

Writers are forked processes released together by a barrier; seeded jitter varies the interleaving from one race to
the next. A change counts as lost when the setting, once every writer has finished, lacks it while its writer reported
success.
"""

from __future__ import annotations

import random
import time

import pytest
from arm_emulator.testing import ArmClient

import helpers

RACES = 8
TARGET = ("ep-fraud", "blue")
NAME = "autoscale-ep-fraud-blue"


@pytest.fixture
def target_id(emulator):
    return helpers.deployment_entry(emulator, *TARGET)["id"]


def _reset(arm, target_id, tags=None):
    arm.put("rg-ml-prod", NAME, helpers.setting_body(target_id, maximum=10, tags=tags or {"owner": "ml-platform"}))


def _rule_args(target_id, metric, threshold):
    return {"target_id": target_id, "metric_name": metric, "operator": "GreaterThan", "threshold": threshold,
            "direction": "Increase", "cooldown": "15m"}


def _collect(process, queue, timeout=120):
    kind, result, warnings, seconds = queue.get(timeout=timeout)
    process.join(timeout=30)
    return kind, result, warnings, seconds


def test_two_rule_tasks_race(emulator, arm, client_env, target_id, figures):
    """Two autoscale_rule tasks add different rules to the same profile at the same moment, RACES times."""
    rng = random.Random(5)
    lost, failed_clearly, reapplied, writes = 0, 0, 0, 0
    details = []
    for race in range(RACES):
        _reset(arm, target_id)
        emulator.clear_requests()
        import multiprocessing  # pylint: disable=import-outside-toplevel
        barrier = multiprocessing.get_context("fork").Barrier(2)
        first = helpers.fork_module("autoscale_rule", _rule_args(target_id, "CpuUtilizationPercentage", 70 + race), barrier=barrier,
                                    delay=0.0)
        second = helpers.fork_module("autoscale_rule", _rule_args(target_id, "RequestsPerMinute", 1000 + race), barrier=barrier,
                                     delay=rng.uniform(0.0, 0.06))
        outcomes = [_collect(*first), _collect(*second)]
        final = helpers.rule_metrics(arm.get("rg-ml-prod", NAME))
        wanted = [("CpuUtilizationPercentage", "Increase", "GreaterThan", float(70 + race)),
                  ("RequestsPerMinute", "Increase", "GreaterThan", float(1000 + race))]
        for (kind, result, warnings, _seconds), rule in zip(outcomes, wanted):
            assert kind in ("ok", "failed"), result
            if kind == "failed":
                assert "ConcurrentModification" in result["msg"], result["msg"]
                failed_clearly += 1
            elif rule not in final:
                lost += 1
            reapplied += sum(1 for text in warnings if "applied again" in text)
        race_writes = len(helpers.autoscale_writes(emulator.requests(), successful_only=True))
        writes += race_writes
        details.append({"race": race, "outcomes": [item[0] for item in outcomes], "writes": race_writes,
                        "reapplied": sum(1 for item in outcomes for text in item[2] if "applied again" in text)})
    figures["races_rule_vs_rule"] = {"races": RACES, "writers": 2 * RACES, "changes_lost": lost, "clear_failures": failed_clearly,
                                     "reapplied": reapplied, "writes": writes, "details": details,
                                     "command": "make reliability PYTEST_ARGS='-k races'"}
    assert lost == 0, details


def _portal_edit(arm, race, start_delay, think_time, done):
    """What the portal does: load the setting, let the user edit a field, save the whole resource."""
    time.sleep(start_delay)
    body = arm.get("rg-ml-prod", NAME)
    time.sleep(think_time)
    for key in ("id", "type", "systemData"):
        body.pop(key, None)
    body["tags"]["portal-edit"] = "race-{0}".format(race)
    arm.put("rg-ml-prod", NAME, body)
    done.append(time.monotonic())


def test_portal_edits_while_a_task_runs(emulator, arm, client_env, target_id, figures):
    """A raw REST read-modify-write of the tags (the portal) races an autoscale_rule task, RACES times."""
    import threading  # pylint: disable=import-outside-toplevel
    rng = random.Random(55)
    task_lost, portal_lost, failed_clearly, reapplied = 0, 0, 0, 0
    details = []
    for race in range(RACES):
        _reset(arm, target_id)
        emulator.clear_requests()
        process, queue = helpers.fork_module("autoscale_rule", _rule_args(target_id, "CpuUtilizationPercentage", 60 + race))
        done = []
        portal = threading.Thread(target=_portal_edit, args=(ArmClient(emulator), race, rng.uniform(0.0, 1.2), rng.uniform(0.0, 0.2), done))
        portal.start()
        kind, result, warnings, _seconds = _collect(process, queue)
        portal.join(timeout=60)
        raw = arm.get("rg-ml-prod", NAME)
        task_ok = ("CpuUtilizationPercentage", "Increase", "GreaterThan", float(60 + race)) in helpers.rule_metrics(raw)
        portal_ok = raw["tags"].get("portal-edit") == "race-{0}".format(race)
        if kind == "failed":
            assert "ConcurrentModification" in result["msg"], result["msg"]
            failed_clearly += 1
        elif not task_ok:
            task_lost += 1
        portal_lost += int(not portal_ok)
        reapplied += sum(1 for text in warnings if "applied again" in text)
        details.append({"race": race, "task": kind, "task_change_kept": task_ok, "portal_change_kept": portal_ok,
                        "reapplied": sum(1 for text in warnings if "applied again" in text)})
    figures["races_portal_vs_task"] = {"races": RACES, "task_changes_lost": task_lost, "portal_changes_lost": portal_lost,
                                       "clear_failures": failed_clearly, "reapplied": reapplied, "details": details,
                                       "command": "make reliability PYTEST_ARGS='-k portal'"}
    assert task_lost == 0, details


@pytest.mark.xfail(strict=False, reason="known limit (see docs/reliability.md, Findings): without an ETag a task cannot see a portal "
                                        "edit saved between its read and its write, and overwrites it; verify-after-write protects only "
                                        "the task's own change")
def test_portal_change_is_never_lost(figures):
    assert figures["races_portal_vs_task"]["portal_changes_lost"] == 0, figures["races_portal_vs_task"]["details"]


def _wait_for_fault(emulator, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(rule["applied"] for rule in emulator.faults()):
            return True
        time.sleep(0.02)
    return False


@pytest.mark.xfail(strict=True, reason="known limit (see docs/reliability.md, Findings): a portal save that lands while the task's PUT "
                                       "is in flight is overwritten without notice")
def test_portal_save_during_the_task_write_is_not_lost(emulator, arm, client_env, target_id):
    """Deterministic form of the race above: the portal saves while the task's PUT is held back by 1.5 s of latency."""
    _reset(arm, target_id)
    emulator.set_faults([{"action": "latency", "latency_ms": 1500, "methods": ["PUT"], "path": NAME + "$", "count": 1}])
    process, queue = helpers.fork_module("autoscale_rule", dict(_rule_args(target_id, "CpuUtilizationPercentage", 77),
                                                                write_verify_delay=0.5))
    assert _wait_for_fault(emulator)
    done = []
    _portal_edit(ArmClient(emulator), 99, 0.0, 0.0, done)
    kind, result, _warnings, _seconds = _collect(process, queue)
    raw = arm.get("rg-ml-prod", NAME)
    assert kind == "ok", result
    assert ("CpuUtilizationPercentage", "Increase", "GreaterThan", 77.0) in helpers.rule_metrics(raw)
    assert raw["tags"].get("portal-edit") == "race-99", "the portal's change was silently overwritten by the task"


def test_setting_deleted_after_the_task_write_is_reported(emulator, arm, client_env, target_id):
    """Another writer deletes the setting between the task's write and its verification: the task fails, clearly."""
    _reset(arm, target_id)
    emulator.clear_requests()  # wait for the task's own write below, not for the reset's
    process, queue = helpers.fork_module("autoscale_rule", dict(_rule_args(target_id, "CpuUtilizationPercentage", 88),
                                                                write_verify_delay=2.0))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not helpers.autoscale_writes(emulator.requests(), successful_only=True):
        time.sleep(0.05)
    arm.delete("rg-ml-prod", NAME)
    kind, result, _warnings, _seconds = _collect(process, queue)
    assert arm.get("rg-ml-prod", NAME) is None
    assert kind == "failed", "the task reported success although its change is gone: {0}".format(result)
    assert "No autoscale setting targets" in result["msg"] or "ConcurrentModification" in result["msg"], result["msg"]
