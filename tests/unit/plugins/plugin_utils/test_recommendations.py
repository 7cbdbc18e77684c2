# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""autoscale_recommend results to an inventory and recommendations.md."""

from __future__ import annotations

import yaml

from ansible_collections.mlops.autoscale.plugins.plugin_utils import _recommendations
from ansible_collections.mlops.autoscale.tests.unit.plugins.module_utils.model_data import CLI_RAW
from ansible_collections.mlops.autoscale.tests.unit.plugins.plugin_utils.test_export import P, _setting_for

POLICY = {"default_profile_name": "default", "capacity": {"minimum": 1, "maximum": 4, "default": 1}, "rules": [], "profiles": []}


def deployment(name):
    return {"id": ("/subscriptions/0000-1111/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/"
                   "onlineEndpoints/ep/deployments/{0}").format(name), "resource_group": "rg", "workspace": "ws",
            "endpoint": "ep", "deployment": name}


def recommendation(saved=25.0, keeps_live=False):
    figures = {"instance_hours": 100.0, "slo_minutes_breached": 3}
    return {"policy": POLICY, "host_vars": {P + key: value for key, value in POLICY.items()}, "keeps_live": keeps_live,
            "notes": ["Because | why."],
            "held_out": {"window": {"start": "2030-03-03T12:00:00Z", "end": "2030-03-04T12:00:00Z", "minutes": 1440},
                         "current": figures, "recommended": dict(figures, instance_hours=100.0 - saved),
                         "instance_hours_saved_percent": saved, "slo_no_worse": True}}


def test_live_policy_is_kept_around_the_recommendation_and_failures_are_listed():
    live = _setting_for(CLI_RAW, "rg", "ws", "ep", "blue")
    results = [{"item": deployment("blue"), "recommendation": recommendation()},
               {"item": deployment("green"), "recommendation": recommendation(0.0, keeps_live=True)},
               {"item": deployment("red"), "failed": True, "msg": "AuthorizationFailed"}]
    inventory = _recommendations.recommendation_inventory(results, [live])
    assert inventory["hosts"] == ["ws.ep.blue", "ws.ep.green"]
    assert inventory["skipped"] == [{"deployment": deployment("red")["id"], "reason": "AuthorizationFailed"}]
    blue = yaml.safe_load(inventory["files"]["host_vars/ws.ep.blue.yml"])
    assert blue[P + "capacity"] == POLICY["capacity"] and blue[P + "rules"] == []
    assert blue[P + "setting_name"] == live["name"] and P + "notifications" in blue and P + "tags" in blue
    green = yaml.safe_load(inventory["files"]["host_vars/ws.ep.green.yml"])
    assert green[P + "subscription_id"] == "0000-1111" and P + "setting_name" not in green
    assert "applying this inventory creates one" in inventory["files"]["host_vars/ws.ep.green.yml"]
    table = inventory["files"]["recommendations.md"]
    assert "| ws.ep.blue | 100.0 | 75.0 | +25.0 % | 3 | 3 | no | Because \\| why. |" in table
    assert "AuthorizationFailed" in table
    assert [row["host"] for row in inventory["summary"]] == ["ws.ep.blue", "ws.ep.green"]
    assert set(yaml.safe_load(inventory["files"]["hosts.yml"])["all"]["hosts"]) == {"ws.ep.blue", "ws.ep.green"}
