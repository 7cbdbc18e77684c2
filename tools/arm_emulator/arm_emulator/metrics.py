"""Deterministic synthetic Azure Monitor metrics for Azure ML online endpoints and deployments."""

import datetime
import hashlib
import math

DEPLOYMENT_NS = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments"
ENDPOINT_NS = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"

# name -> (unit, primary aggregation, base, daily amplitude, weekly amplitude, noise, lower bound, upper bound)
_PERCENT = ("Percent", "Average")
DEPLOYMENT_METRICS = {
    "CpuUtilizationPercentage": _PERCENT + (45.0, 25.0, 8.0, 6.0, 0.0, 100.0),
    "CpuMemoryUtilizationPercentage": _PERCENT + (55.0, 10.0, 4.0, 3.0, 0.0, 100.0),
    "GpuUtilizationPercentage": _PERCENT + (35.0, 25.0, 6.0, 8.0, 0.0, 100.0),
    "GpuMemoryUtilizationPercentage": _PERCENT + (40.0, 10.0, 3.0, 4.0, 0.0, 100.0),
    "GpuEnergyJoules": ("Count", "Total", 900.0, 400.0, 100.0, 80.0, 0.0, None),
    "DiskUtilization": _PERCENT + (22.0, 2.0, 1.0, 1.0, 0.0, 100.0),
    "DeploymentCapacity": ("Count", "Average", 3.0, 1.0, 0.0, 0.0, 1.0, None),
    "RequestLatency_P50": ("MilliSeconds", "Average", 40.0, 15.0, 5.0, 6.0, 1.0, None),
    "RequestLatency_P90": ("MilliSeconds", "Average", 90.0, 35.0, 10.0, 12.0, 1.0, None),
    "RequestLatency_P95": ("MilliSeconds", "Average", 130.0, 50.0, 15.0, 18.0, 1.0, None),
    "RequestLatency_P99": ("MilliSeconds", "Average", 260.0, 90.0, 25.0, 40.0, 1.0, None),
    "RequestsPerMinute": ("Count", "Average", 600.0, 400.0, 120.0, 60.0, 0.0, None),
    "DataCollectionErrorsPerMinute": ("Count", "Average", 0.2, 0.1, 0.0, 0.2, 0.0, None),
    "DataCollectionEventsPerMinute": ("Count", "Average", 550.0, 350.0, 100.0, 50.0, 0.0, None),
}
ENDPOINT_METRICS = {
    "RequestLatency": ("MilliSeconds", "Average", 70.0, 25.0, 8.0, 10.0, 1.0, None),
    "RequestLatency_P50": DEPLOYMENT_METRICS["RequestLatency_P50"],
    "RequestLatency_P90": DEPLOYMENT_METRICS["RequestLatency_P90"],
    "RequestLatency_P95": DEPLOYMENT_METRICS["RequestLatency_P95"],
    "RequestLatency_P99": DEPLOYMENT_METRICS["RequestLatency_P99"],
    "RequestsPerMinute": ("Count", "Average", 1200.0, 800.0, 240.0, 100.0, 0.0, None),
    "ConnectionsActive": ("Count", "Average", 40.0, 25.0, 8.0, 5.0, 0.0, None),
    "NetworkBytes": ("BytesPerSecond", "Average", 250000.0, 150000.0, 40000.0, 30000.0, 0.0, None),
    "NewConnectionsPerSecond": ("CountPerSecond", "Average", 8.0, 5.0, 2.0, 1.5, 0.0, None),
    "DataCollectionErrorsPerMinute": DEPLOYMENT_METRICS["DataCollectionErrorsPerMinute"],
    "DataCollectionEventsPerMinute": ("Count", "Average", 1100.0, 700.0, 200.0, 90.0, 0.0, None),
}
AGGREGATIONS = ("Average", "Minimum", "Maximum", "Total", "Count")


def catalog_for(resource_type):
    """(namespace, metric table) for 'deployment' or 'endpoint'."""
    if resource_type == "deployment":
        return DEPLOYMENT_NS, DEPLOYMENT_METRICS
    return ENDPOINT_NS, ENDPOINT_METRICS


def find_metric(table, name):
    """Canonical metric name (case-insensitive lookup) or None."""
    for candidate in table:
        if candidate.lower() == (name or "").lower():
            return candidate
    return None


def _unit_random(*parts):
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / float(1 << 64)


def sample(seed, resource_id, metric, spec, minute):
    """The value of a metric at an epoch minute, or None for a gap."""
    key = (seed, resource_id.lower(), metric)
    if _unit_random(*(key + ("gap", minute // 3))) < 0.01:
        return None
    base, daily, weekly, noise, low, high = spec[2:]
    phase = _unit_random(*(key + ("phase",))) * 2 * math.pi
    value = base + daily * math.sin(2 * math.pi * minute / 1440.0 + phase) + weekly * math.sin(2 * math.pi * minute / 10080.0 + phase / 2)
    value += noise * (2 * _unit_random(*(key + ("noise", minute))) - 1)
    if _unit_random(*(key + ("spike", minute // 5))) < 0.004:
        value += max(base, daily) * 1.5
    if spec[0] == "Count" and metric == "DeploymentCapacity":
        value = round(value)
    value = max(low, value)
    if high is not None:
        value = min(high, value)
    return round(value, 3)


def series(seed, resource_id, metric, spec, start, end, interval_s, aggregations):
    """Data points between two datetimes, aggregated per interval."""
    points = []
    cursor = int(start.timestamp() // interval_s * interval_s)
    stop = end.timestamp()
    step = max(1, int(interval_s // 60 // 60))
    while cursor < stop and len(points) < 50000:
        minutes = range(cursor // 60, (cursor + int(interval_s)) // 60, step)
        values = [val for val in (sample(seed, resource_id, metric, spec, minute) for minute in minutes) if val is not None]
        point = {"timeStamp": datetime.datetime.fromtimestamp(cursor, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        if values:
            totals = {"Average": round(sum(values) / len(values), 3), "Minimum": min(values), "Maximum": max(values),
                      "Total": round(sum(values) * step, 3), "Count": float(len(values) * step)}
            for aggregation in aggregations:
                point[aggregation.lower()] = totals[aggregation]
        points.append(point)
        cursor += int(interval_s)
    return points
