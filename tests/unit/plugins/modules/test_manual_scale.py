# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""manual_scale in-process against the ARM emulator: bad input and its order of writes."""

from __future__ import annotations

import pytest

from ansible_collections.mlops.autoscale.plugins.modules import autoscale_state, manual_scale
from ansible_collections.mlops.autoscale.tests.unit.plugins.modules.utils import AnsibleExitJson, AnsibleFailJson, run_module

POLICY = {"capacity": {"minimum": 1, "maximum": 4, "default": 1}}


@pytest.fixture
def ep_recommend_green():
    """A deployment of the default seed with one Standard_F4s_v2 instance."""
    return {"resource_group": "rg-ml-prod", "workspace": "ws-prod", "endpoint": "ep-recommend", "deployment": "green"}


@pytest.mark.parametrize("count, limit", [(0, 50), (-1, 50), (51, 50), (5, 4)])
def test_a_count_outside_the_limits_fails_before_any_request(emulator, ep_recommend_green, count, limit):
    emulator.clear_requests()
    kind, result = run_module(manual_scale, dict(ep_recommend_green, instance_count=count, instance_limit=limit))
    assert kind is AnsibleFailJson
    assert result["msg"].startswith("instance_count: {0} is out of range; allowed: 1 to instance_limit ({1})".format(count, limit))
    assert [entry for entry in emulator.requests() if entry["kind"] == "arm"] == []


def test_state_present_needs_a_count(emulator, ep_recommend_green):
    kind, result = run_module(manual_scale, ep_recommend_green)
    assert kind is AnsibleFailJson and "instance_count" in result["msg"]


def test_release_without_a_setting_fails_without_a_write(emulator, ep_recommend_green):
    emulator.clear_requests()
    kind, result = run_module(manual_scale, dict(ep_recommend_green, state="absent"))
    assert kind is AnsibleFailJson and "no autoscale to hand control back to" in result["msg"]
    assert emulator.writes() == []


def test_without_a_setting_only_the_count_is_written(emulator, ep_recommend_green):
    emulator.clear_requests()
    kind, result = run_module(manual_scale, dict(ep_recommend_green, instance_count=2))
    assert (kind, result["changes"], result["autoscale_setting"]) == (AnsibleExitJson, ["deployment.instance_count"], None), result
    assert result["deployment"]["control"] == "manual" and result["deployment"]["instance_count"] == 2
    assert [entry["method"] for entry in emulator.writes()] == ["PUT"] and "/deployments/green" in emulator.writes()[0]["path"]
    run_module(manual_scale, dict(ep_recommend_green, instance_count=1))


def test_autoscale_is_disabled_before_the_count_is_set(emulator, ep_recommend_green, arm):
    kind, result = run_module(autoscale_state, dict(ep_recommend_green, policy=POLICY))
    assert kind is AnsibleExitJson, result
    emulator.clear_requests()
    try:
        kind, result = run_module(manual_scale, dict(ep_recommend_green, instance_count=3))
        assert kind is AnsibleExitJson, result
        paths = [entry["path"].lower() for entry in emulator.writes()]
        assert len(paths) == 2 and "autoscalesettings" in paths[0] and "/deployments/green" in paths[1]
        assert result["autoscale_setting"]["enabled"] is False and result["deployment"]["control"] == "manual"
        [raw] = arm.settings()
        assert raw["properties"]["enabled"] is False and raw["properties"]["profiles"][0]["capacity"]["maximum"] == "4"
    finally:
        run_module(manual_scale, dict(ep_recommend_green, instance_count=1))
        run_module(autoscale_state, dict(ep_recommend_green, state="absent"))
