# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fleet report: host outcomes to counts, entries and Markdown."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.mlops.autoscale.plugins.filter.fleet_report import fleet_report as fleet_report_filter
from ansible_collections.mlops.autoscale.plugins.plugin_utils._report import fleet_report

THRESHOLD = "profiles.default.rules[CpuUtilizationPercentage > 70 Increase].threshold"
DIMENSION = "profiles.default.rules[RequestsPerMinute > 900 Increase where deployment == blue|green]"
SETTING = {"name": "autoscale-ep-fraud-blue", "target_id": "/subscriptions/s/.../deployments/blue"}
OUTCOMES = [
    {"host": "ws-prod.ep-fraud.blue", "result": {"changed": True, "changes": [THRESHOLD, DIMENSION], "autoscale_setting": SETTING},
     "failure": None},
    {"host": "ws-dev.ep-a.green", "result": {"changed": False, "changes": [], "autoscale_setting": {"name": "a"}}, "failure": None},
    {"host": "ws-prod.ep-missing.blue", "result": None,
     "failure": {"task": "Converge the autoscale setting in one write", "msg": "Deployment not found | code NotFound\nwhat to do"}},
    {"host": "ws-prod.ep-old.blue", "result": {"failed": True, "msg": "AuthorizationFailed"}, "failure": None},
]


def entries(report):
    return {entry["host"]: entry for entry in report["hosts"]}


def test_each_host_is_failed_changed_or_ok_with_counts():
    report = fleet_report(OUTCOMES)
    assert report["summary"] == {"hosts": 4, "failed": 2, "changed": 1, "ok": 1}
    assert [entry["host"] for entry in report["hosts"]] == sorted(outcome["host"] for outcome in OUTCOMES)
    by_host = entries(report)
    assert by_host["ws-prod.ep-fraud.blue"] == {"host": "ws-prod.ep-fraud.blue", "status": "changed", "changes": [THRESHOLD, DIMENSION],
                                                "action": "update", "setting_name": SETTING["name"], "target_id": SETTING["target_id"]}
    assert by_host["ws-prod.ep-missing.blue"]["task"] == "Converge the autoscale setting in one write"
    assert by_host["ws-prod.ep-old.blue"]["msg"] == "AuthorizationFailed"
    assert by_host["ws-dev.ep-a.green"]["status"] == "ok" and "changes" not in by_host["ws-dev.ep-a.green"]


def test_markdown_names_each_drifted_deployment_and_what_drifted():
    text = fleet_report(OUTCOMES, check_mode=True)["markdown"]
    assert "nothing was written" in text and "4 deployment(s): 1 would change, 2 failed, 1 unchanged." in text
    drifted = text.split("## Drifted (would change)")[1].split("## Unchanged")[0]
    row = next(line for line in drifted.splitlines() if line.startswith("| ws-prod.ep-fraud.blue |"))
    assert "`{0}`".format(THRESHOLD) in row
    assert "deployment == blue\\|green" in row  # a pipe in a path does not split the table cell
    assert row.count(" | ") == 2  # three cells
    failed = text.split("## Failed")[1].split("## Drifted")[0]
    assert "Deployment not found \\| code NotFound<br>what to do" in failed
    assert text.rstrip().endswith("ws-dev.ep-a.green")


def test_apply_mode_says_changed():
    report = fleet_report(OUTCOMES[:2])
    assert report["mode"] == "apply" and "## Changed" in report["markdown"] and "## Failed" not in report["markdown"]


@pytest.mark.parametrize("setting, action, text", [
    (SETTING, "create", "(the setting would be created)"),
    (None, "delete", "(the setting would be deleted)"),
])
def test_a_whole_setting_that_comes_or_goes_says_so(setting, action, text):
    report = fleet_report([{"host": "h", "result": {"changed": True, "changes": ["setting"], "autoscale_setting": setting}}], check_mode=True)
    assert report["hosts"][0]["action"] == action
    assert "| h | {0} | {1} |".format(setting["name"] if setting else "", text) in report["markdown"]


def test_a_failure_without_message_still_says_where_to_look():
    report = fleet_report([{"host": "h", "result": None, "failure": {"task": "Validating arguments", "msg": ""}}])
    assert report["hosts"][0]["msg"] == "failed (see the task's output)"


@pytest.mark.parametrize("bad", [None, "text", [{"result": {}}], [["h"]]])
def test_the_filter_refuses_what_is_not_a_list_of_outcomes(bad):
    with pytest.raises(AnsibleFilterError, match="list of {host, result, failure} outcomes"):
        fleet_report_filter(bad)
