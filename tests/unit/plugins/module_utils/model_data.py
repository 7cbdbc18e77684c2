# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Wire bodies and policies shared by the pure-layer tests."""

from __future__ import annotations

import copy

from ansible_collections.mlops.autoscale.plugins.module_utils import _model

DEPLOYMENT_ID = ("/subscriptions/0000-1111/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws/"
                 "onlineEndpoints/ep/deployments/blue")
ENDPOINT_ID = DEPLOYMENT_ID.rsplit("/", 2)[0]
SETTING_ID = "/subscriptions/0000-1111/resourcegroups/rg-ml/providers/microsoft.insights/autoscalesettings/autoscale-ep-blue"
HOOK = "https://hooks.example.com/scale?sig=s3cr3t&channel=ops"
TARGET = _model.target_ids_from_deployment_id(DEPLOYMENT_ID)

CPU_OUT = {"metric_name": "CpuUtilizationPercentage", "operator": "GreaterThan", "threshold": 70, "direction": "Increase",
           "value": 2, "cooldown": "1h", "time_aggregation": "Last"}
CPU_IN = {"metric_name": "CpuUtilizationPercentage", "operator": "LessThan", "threshold": 30, "direction": "Decrease",
          "value": 1, "cooldown": "1h", "time_aggregation": "Last"}
LATENCY_OUT = {"metric_name": "RequestLatency", "operator": "GreaterThan", "threshold": 70, "direction": "Increase",
               "value": 1, "cooldown": "1h", "time_aggregation": "Last"}


def wire_rule(metric, operator, threshold, direction, value, resource=DEPLOYMENT_ID, namespace="", window="PT5M"):
    """A rule as the portal/CLI/REST API return it."""
    return {
        "metricTrigger": {"metricName": metric, "metricNamespace": namespace, "metricResourceUri": resource, "timeGrain": "PT1M",
                          "statistic": "Average", "timeWindow": window, "timeAggregation": "Last", "operator": operator,
                          "threshold": threshold, "dimensions": [], "dividePerInstance": False},
        "scaleAction": {"direction": direction, "type": "ChangeCount", "value": str(value), "cooldown": "PT1H"},
    }


DEFAULT_RULES = [
    wire_rule("CpuUtilizationPercentage", "GreaterThan", 70.0, "Increase", 2, resource=DEPLOYMENT_ID.lower()),
    wire_rule("CpuUtilizationPercentage", "LessThan", 30.0, "Decrease", 1, window="PT300S"),
    wire_rule("RequestLatency", "GreaterThan", 70, "Increase", 1, resource=ENDPOINT_ID,
              namespace="microsoft.machinelearningservices/workspaces/onlineendpoints"),
]

PORTAL_RAW = {
    "id": SETTING_ID,
    "name": "autoscale-ep-blue",
    "type": "Microsoft.Insights/autoscaleSettings",
    "location": "eastus",
    "tags": {"team": "search"},
    "systemData": {"createdBy": "someone"},
    "properties": {
        "name": "autoscale-ep-blue",
        "enabled": True,
        "targetResourceUri": DEPLOYMENT_ID,
        "targetResourceLocation": "eastus",
        "someFutureProperty": {"kept": True},
        "profiles": [
            {"name": "default", "capacity": {"minimum": "2", "maximum": "5", "default": "2"}, "rules": copy.deepcopy(DEFAULT_RULES)},
            {"name": "weekend", "capacity": {"minimum": "2", "maximum": "2", "default": "2"}, "rules": [],
             "recurrence": {"frequency": "Week", "schedule": {"timeZone": "Pacific Standard Time", "days": ["Sunday", "Saturday"],
                                                              "hours": [], "minutes": []}}},
            {"name": '{"name":"default","for":"weekend"}', "capacity": {"minimum": "2", "maximum": "5", "default": "2"},
             "rules": list(reversed(copy.deepcopy(DEFAULT_RULES))),
             "recurrence": {"frequency": "Week", "schedule": {"timeZone": "Pacific Standard Time", "days": ["Saturday", "Sunday"],
                                                              "hours": [23], "minutes": [59]}}},
            {"name": "black-friday", "capacity": {"minimum": "4", "maximum": "10", "default": "6"}, "rules": [],
             "fixedDate": {"timeZone": "UTC", "start": "2026-11-27T00:00:00.000Z", "end": "2026-11-28T23:59:00+00:00"}},
        ],
        "notifications": [{"operation": "Scale", "email": {"sendToSubscriptionAdministrator": False,
                                                           "sendToSubscriptionCoAdministrators": False, "customEmails": []},
                           "webhooks": []}],
    },
}

CLI_RAW = {
    "id": SETTING_ID.replace("resourcegroups", "resourceGroups"),
    "name": "autoscale-ep-blue",
    "location": "eastus",
    "tags": {},
    "properties": {
        "enabled": True,
        "targetResourceUri": DEPLOYMENT_ID,
        "profiles": [{"name": "default", "capacity": {"minimum": "2", "maximum": "5", "default": "2"},
                      "rules": [wire_rule("CpuUtilizationPercentage", "GreaterThan", 70, "Increase", 2)]}],
        "notifications": [{"operation": "Scale", "email": {"sendToSubscriptionAdministrator": False,
                                                           "sendToSubscriptionCoAdministrators": False, "customEmails": []},
                           "webhooks": []}],
    },
}

PORTAL_POLICY = [
    {"name": "default", "capacity": {"minimum": 2, "maximum": 5, "default": 2}, "rules": [CPU_OUT, CPU_IN, LATENCY_OUT]},
    {"name": "weekend", "capacity": {"minimum": 2, "maximum": 2},
     "recurrence": {"days": ["saturday", "SUNDAY"], "time_zone": "pacific standard time", "start": "0:00", "end": "23:59"}, "rules": []},
    {"name": "black-friday", "capacity": {"minimum": 4, "maximum": 10, "default": 6},
     "fixed_date": {"time_zone": "utc", "start": "2026-11-27 00:00", "end": "2026-11-28T23:59:00Z"}, "rules": []},
]


def build_profiles(policies):
    """Vocabulary profiles from module-style options."""
    return [_model.build_profile(policy, TARGET, "profiles[{0}]".format(index)) for index, policy in enumerate(policies)]
