# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""bench_peer_rule: one rule of bench/policy.yml in azure.azcollection.azure_rm_autoscale's option names."""

from __future__ import annotations

_UNITS = {"m": 1, "h": 60, "d": 1440}


def _minutes(value):
    text = str(value).strip().lower()
    if text[-1] in _UNITS:
        return float(text[:-1]) * _UNITS[text[-1]]
    return float(text)


def bench_peer_rule(rule, target):
    """The peer takes minutes as numbers, the scale value as a string, and needs metric_resource_uri."""
    return {
        "metric_name": rule["metric_name"],
        "metric_resource_uri": target,
        "statistic": rule["statistic"],
        "time_grain": _minutes(rule["time_grain"]),
        "time_window": _minutes(rule["time_window"]),
        "time_aggregation": rule["time_aggregation"],
        "operator": rule["operator"],
        "threshold": float(rule["threshold"]),
        "direction": rule["direction"],
        "type": rule["type"],
        "value": str(rule["value"]),
        "cooldown": _minutes(rule["cooldown"]),
    }


class FilterModule:
    """Filters of the benchmark playbooks."""

    def filters(self):
        return {"bench_peer_rule": bench_peer_rule}
