# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Argument specs shared by the write modules (documented in doc_fragments/_policy.py and _target.py)."""

from __future__ import annotations

import copy

STATISTICS = ["Average", "Min", "Max", "Sum", "Count"]
AGGREGATIONS = ["Average", "Minimum", "Maximum", "Total", "Count", "Last"]
OPERATORS = ["Equals", "NotEquals", "GreaterThan", "GreaterThanOrEqual", "LessThan", "LessThanOrEqual"]
DIRECTIONS = ["Increase", "Decrease", "None"]
SCALE_TYPES = ["ChangeCount", "PercentChangeCount", "ExactCount", "ServiceAllowedNextValue"]

TARGET_SPEC = {
    "resource_group": {"type": "str"},
    "workspace": {"type": "str", "aliases": ["workspace_name"]},
    "endpoint": {"type": "str", "aliases": ["endpoint_name"]},
    "deployment": {"type": "str", "aliases": ["deployment_name"]},
    "target_id": {"type": "str"},
}

TARGET_CONSTRAINTS = {
    "mutually_exclusive": [("target_id", "workspace"), ("target_id", "endpoint"), ("target_id", "deployment")],
    "required_one_of": [("target_id", "deployment")],
    "required_together": [("resource_group", "workspace", "endpoint", "deployment")],
}

# The fields of one rule. Identity fields (metric_name, metric_resource, metric_namespace, dimensions, direction) are
# what autoscale_rule matches an existing rule on; the others are updated in place.
RULE_FIELDS = {
    "metric_name": {"type": "str", "required": True},
    "metric_resource": {"type": "str"},
    "metric_namespace": {"type": "str"},
    "statistic": {"type": "str", "choices": STATISTICS, "default": "Average"},
    "time_grain": {"type": "str", "default": "1m"},
    "time_window": {"type": "str", "default": "5m"},
    "time_aggregation": {"type": "str", "choices": AGGREGATIONS, "default": "Average"},
    "operator": {"type": "str", "choices": OPERATORS},
    "threshold": {"type": "float"},
    "dimensions": {
        "type": "list", "elements": "dict", "default": [],
        "options": {
            "name": {"type": "str", "required": True},
            "operator": {"type": "str", "choices": ["Equals", "NotEquals"], "default": "Equals"},
            "values": {"type": "list", "elements": "str", "required": True},
        },
    },
    "divide_per_instance": {"type": "bool", "default": False},
    "direction": {"type": "str", "choices": DIRECTIONS},
    "type": {"type": "str", "choices": SCALE_TYPES, "default": "ChangeCount"},
    "value": {"type": "int", "default": 1},
    "cooldown": {"type": "str", "default": "15m"},
}

CAPACITY_SPEC = {
    "type": "dict",
    "options": {
        "minimum": {"type": "int", "required": True},
        "maximum": {"type": "int", "required": True},
        "default": {"type": "int"},
    },
}

RECURRENCE_SPEC = {
    "type": "dict",
    "options": {
        "days": {"type": "list", "elements": "str", "required": True},
        "time_zone": {"type": "str", "required": True},
        "start": {"type": "str", "default": "00:00"},
        "end": {"type": "str"},
    },
}

FIXED_DATE_SPEC = {
    "type": "dict",
    "options": {
        "time_zone": {"type": "str", "default": "UTC"},
        "start": {"type": "str", "required": True},
        "end": {"type": "str", "required": True},
    },
}

NOTIFICATIONS_SPEC = {
    "type": "dict",
    "options": {
        "send_to_subscription_administrator": {"type": "bool", "default": False},
        "send_to_subscription_co_administrators": {"type": "bool", "default": False},
        "custom_emails": {"type": "list", "elements": "str", "default": []},
        "webhooks": {
            "type": "list", "elements": "dict", "default": [],
            "options": {
                "service_uri": {"type": "str", "required": True, "no_log": True},
                "properties": {"type": "dict", "default": {}},
            },
        },
    },
}


def rule_options():
    """The fields of one rule (operator, threshold and direction are checked by the model when a rule is present)."""
    return copy.deepcopy(RULE_FIELDS)


def rules_spec():
    """The ``rules`` list of a profile."""
    return {"type": "list", "elements": "dict", "options": rule_options()}


def profile_options():
    """The fields of one profile, as autoscale_profile takes them at the top level."""
    return {
        "capacity": copy.deepcopy(CAPACITY_SPEC),
        "recurrence": copy.deepcopy(RECURRENCE_SPEC),
        "fixed_date": copy.deepcopy(FIXED_DATE_SPEC),
        "rules": rules_spec(),
    }


def profiles_spec():
    """The ``profiles`` list of autoscale_state."""
    options = profile_options()
    options["name"] = {"type": "str", "required": True}
    return {"type": "list", "elements": "dict", "options": options,
            "mutually_exclusive": [("recurrence", "fixed_date")]}


def common_write_spec():
    """Options every write module takes besides its own: target, setting name, location, strict."""
    spec = copy.deepcopy(TARGET_SPEC)
    spec.update({
        "setting_name": {"type": "str"},
        "location": {"type": "str"},
        "strict": {"type": "bool", "default": False},
        "write_verify_delay": {"type": "float", "default": 1.0},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    })
    return spec
