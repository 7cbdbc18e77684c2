# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""The edge the replaying modules (autoscale_simulate, autoscale_recommend) share: the live setting, the SLO, the metric
history a set of policies reads with the deployment's recorded instance count, and the pictures."""

from __future__ import annotations

import datetime

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.mlops.autoscale.plugins.module_utils import _engine, _model
from ansible_collections.mlops.autoscale.plugins.module_utils._api import AutoscaleSettings
from ansible_collections.mlops.autoscale.plugins.module_utils._chart import ChartError, write_html, write_png
from ansible_collections.mlops.autoscale.plugins.module_utils._durations import parse_duration
from ansible_collections.mlops.autoscale.plugins.module_utils._errors import AutoscaleError
from ansible_collections.mlops.autoscale.plugins.module_utils._metrics import MetricHistory

CAPACITY_METRIC = "DeploymentCapacity"


def longest_window(settings):
    """Seconds of history a run needs before its first minute: the longest rule window and grain (at least an hour)."""
    longest = 60
    for setting in settings:
        for profile in setting["profiles"]:
            for rule in profile["rules"]:
                longest = max(longest, parse_duration(rule["time_window"], "time_window") + parse_duration(rule["time_grain"], "time_grain"))
    return longest


class ReplayManager:
    """Reads what a replay needs from Azure and writes its pictures; subclasses replay."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.settings = AutoscaleSettings(module.session)
        self.history = MetricHistory(module.session)

    def _fail(self, error):
        self.module.fail_json(msg=str(error).lstrip("."))

    def live_setting(self, target, missing_warning):
        """The deployment's autoscale setting in the vocabulary, or None (after ``missing_warning``) when it has none."""
        raw = self.settings.find_by_target(target.resource_group, target.ids.deployment_id,
                                           [self.params["setting_name"] or target.default_name])
        if raw is None:
            self.module.warn(missing_warning)
            return None
        try:
            return _model.normalise_setting(raw)
        except ValueError as error:
            self._fail(error)

    @staticmethod
    def slo_series(slo, target):
        """The O(slo) option as _engine.simulate takes it (its metric resolved as a rule's), or None; ValueError names the field."""
        if not slo:
            return None
        rule = _model.build_rule(dict(slo, operator="GreaterThan", direction="Increase"), target.ids, "slo")
        return dict(slo, metric_name=rule["metric_name"], metric_resource_uri=rule["metric_resource_uri"],
                    role=rule["metric_resource"], key=_engine.series_key(rule["metric_resource_uri"], rule["metric_name"]))

    def read_history(self, policies, slo, target, window, lags):
        """``(needed, metrics, observed)`` over ``window`` (start, end), read from before its start by the longest rule
        window and the longest of ``lags`` (durations), so that the first runs see full windows."""
        start, end = window
        lead = longest_window(policies) + max(parse_duration(lag, "metric_lag") for lag in lags) + 60
        fetch_start = start - datetime.timedelta(seconds=lead)
        needed = self.needed_series(policies, slo, target)
        metrics, unreadable = self.history.fetch_all(needed, fetch_start, end)
        for entry, error in unreadable:
            self.module.warn("The {0} metric of {1} cannot be read ({2}): the rules that read it are replayed without data, as "
                             "metrics Azure cannot read.".format(entry["metric_name"], entry["metric_resource_uri"], error.message))
        return needed, metrics, self.observed_capacity(target, fetch_start, end)

    @staticmethod
    def needed_series(policies, slo, target):
        """Every series the policies and the SLO read, each with the aggregations they need and its role."""
        merged = {}
        for setting in policies:
            for entry in _engine.required_series(setting):
                known = merged.setdefault(entry["key"], entry)
                for aggregation in entry["aggregations"]:
                    if aggregation not in known["aggregations"]:
                        known["aggregations"].append(aggregation)
        if slo:
            known = merged.setdefault(slo["key"], {"key": slo["key"], "metric_resource_uri": slo["metric_resource_uri"],
                                                   "metric_name": slo["metric_name"], "metric_namespace": None, "dimensions": [],
                                                   "aggregations": []})
            if slo["aggregation"] not in known["aggregations"]:
                known["aggregations"].append(slo["aggregation"])
        for entry in merged.values():
            entry["role"] = _model.metric_resource_role(entry["metric_resource_uri"], target.ids)
            if entry["role"] not in ("deployment", "endpoint"):
                entry["role"] = "other resource"
        return list(merged.values())

    def observed_capacity(self, target, start, end):
        """The recorded instance count, or None (with a warning) when Azure Monitor does not have it."""
        try:
            series = self.history.fetch(target.ids.deployment_id, CAPACITY_METRIC, None, ["Average"], start, end)
        except AutoscaleError as error:
            if error.status in (400, 404):
                self.module.warn("The deployment's {0} metric could not be read ({1}); metrics are replayed as recorded.".format(
                    CAPACITY_METRIC, error.message))
                return None
            raise
        if not any(value for value in series["values"]["Average"]):
            return None
        return series

    def write_pictures(self, chart, result):
        """Write O(html_path) and O(png_path) as asked, recording the paths written in ``result``."""
        params = self.params
        try:
            if params["html_path"]:
                write_html(params["html_path"], chart)
                result["html_path"] = params["html_path"]
            if params["png_path"]:
                write_png(params["png_path"], chart)
                result["png_path"] = params["png_path"]
        except ChartError as error:
            self.module.fail_json(msg=missing_required_lib(error.missing, reason="png_path and html_path"), exception=str(error))
        except OSError as error:
            self.module.fail_json(msg="Failed to write the picture: {0}".format(error))
