# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""The edge to Azure Monitor metrics: the history of the series a policy reads, in the form _engine takes.

One request per metric resource and metric (``Microsoft.Insights/metrics`` through azure-mgmt-monitor), at a 1-minute
interval, asking for every aggregation the rules need at once.
"""

from __future__ import annotations

import datetime

from ansible_collections.mlops.autoscale.plugins.module_utils._azure import azure_errors, raw_json
from ansible_collections.mlops.autoscale.plugins.module_utils._engine import series_key
from ansible_collections.mlops.autoscale.plugins.module_utils._errors import AutoscaleError

# Azure Monitor's names of the aggregations in a data point.
POINT_FIELDS = {"Average": "average", "Minimum": "minimum", "Maximum": "maximum", "Total": "total", "Count": "count"}


def _iso(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def dimension_filter(dimensions):
    """The metrics API ``$filter`` of a rule's dimensions (None without dimensions)."""
    clauses = []
    for item in dimensions or []:
        sign = "eq" if item.get("operator", "Equals") == "Equals" else "ne"
        joiner = " or " if sign == "eq" else " and "
        values = joiner.join("{0} {1} '{2}'".format(item["name"], sign, str(value).replace("'", "''")) for value in item["values"])
        clauses.append("({0})".format(values) if len(item["values"]) > 1 else values)
    return " and ".join(clauses) or None


def _parse_time(text):
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment


def to_series(body, metric_name, aggregations, start, minutes):
    """One metric of a metrics API response as {"start", "values": {aggregation: [one value per minute]}}."""
    first = int(start.timestamp() // 60)
    values = {aggregation: [None] * minutes for aggregation in aggregations}
    for item in body.get("value") or []:
        name = (item.get("name") or {}).get("value") or ""
        if name.lower() != metric_name.lower():
            continue
        for timeseries in item.get("timeseries") or []:
            for point in timeseries.get("data") or []:
                position = int(_parse_time(point["timeStamp"]).timestamp() // 60) - first
                if not 0 <= position < minutes:
                    continue
                for aggregation in aggregations:
                    value = point.get(POINT_FIELDS[aggregation])
                    if value is not None:
                        values[aggregation][position] = float(value)
    return {"start": first * 60, "values": values}


class MetricHistory:
    """Reads metric history through the session's azure-mgmt-monitor client."""

    def __init__(self, session):
        self.session = session
        self.requests = 0

    def fetch(self, resource_uri, metric_name, namespace, aggregations, start, end, dimensions=None):
        """The 1-minute history of one metric between two aware datetimes, every aggregation in one request."""
        minutes = int((end - start).total_seconds() // 60)
        kwargs = {"timespan": "{0}/{1}".format(_iso(start), _iso(end)), "interval": "PT1M", "metricnames": metric_name,
                  "aggregation": ",".join(aggregations), "cls": raw_json}
        if namespace:
            kwargs["metricnamespace"] = namespace
        query = dimension_filter(dimensions)
        if query:
            kwargs["filter"] = query
        self.requests += 1
        with azure_errors("read the {0} metric history of {1}".format(metric_name, resource_uri)):
            body = self.session.monitor.metrics.list(resource_uri, **kwargs)
        return to_series(body, metric_name, aggregations, start, minutes)

    def fetch_all(self, needed, start, end):
        """``({series key: series}, [(entry, AutoscaleError)])`` for the entries of _engine.required_series (merged across
        policies by the caller). A series Azure Monitor does not have (400 or 404: another resource type, a metric or
        namespace it does not know) is left out and returned with its error; any other failure raises."""
        result, unreadable = {}, []
        for entry in needed:
            try:
                series = self.fetch(entry["metric_resource_uri"], entry["metric_name"], entry.get("metric_namespace"),
                                    entry["aggregations"], start, end, entry.get("dimensions"))
            except AutoscaleError as error:
                if error.status not in (400, 404):
                    raise
                unreadable.append((entry, error))
                continue
            result[series_key(entry["metric_resource_uri"], entry["metric_name"], entry.get("dimensions"))] = series
        return result, unreadable
