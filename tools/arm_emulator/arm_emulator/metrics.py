"""Deterministic synthetic Azure Monitor metrics for Azure ML online endpoints and deployments.

Realistic enough to replay autoscale policies over: daily and weekly cycles in the users' time zone, slow drift, bursts,
ingestion gaps and rare outages, with a deployment's metrics following its endpoint's traffic. Same seed, same series.
"""

import datetime
import functools
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


_MASK = (1 << 64) - 1
# Local-time offsets (minutes) a resource's traffic follows: its users' time zone, chosen per endpoint.
_TRAFFIC_OFFSETS = (-480, -300, 0, 60, 330)


@functools.lru_cache(maxsize=4096)
def _base_key(*parts):
    return int.from_bytes(hashlib.sha256("|".join(str(part) for part in parts).encode()).digest()[:8], "big")


def _mix(key, index, salt):
    """splitmix64 of (key, index, salt) as a float in [0, 1): cheap enough for one call per minute and metric."""
    value = (key ^ ((index * 0x9E3779B97F4A7C15) & _MASK) ^ (salt * 0xBF58476D1CE4E5B9)) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return (value ^ (value >> 31)) / float(1 << 64)


def _traffic_key(resource_id):
    """Deployments share their endpoint's traffic: both keys are the endpoint id."""
    lowered = resource_id.lower()
    return lowered.split("/deployments/", 1)[0]


def _daily_shape(local_minute):
    """Traffic over a working day in [-1, 1]: a morning and an afternoon peak, a quiet night."""
    hour = (local_minute % 1440) / 60.0
    level = math.exp(-((hour - 10.5) / 3.0) ** 2) + 0.8 * math.exp(-((hour - 15.5) / 2.5) ** 2)
    return 2.0 * min(1.0, level / 1.25) - 1.0


def _weekly_shape(local_minute):
    """Weekdays busy, Friday afternoon winding down, weekends quiet: [-1, 1] (day 0 of the epoch was a Thursday)."""
    weekday = (local_minute // 1440 + 3) % 7   # 0 = Monday
    if weekday >= 5:
        return -1.0
    if weekday == 4 and (local_minute % 1440) >= 14 * 60:
        return -0.4
    return 0.4


def _drift(key, minute):
    """Slow wander over hours in [-1, 1], interpolated between hourly random values."""
    hour, into = divmod(minute, 60)
    first, second = _mix(key, hour, 11) * 2 - 1, _mix(key, hour + 1, 11) * 2 - 1
    return first + (second - first) * into / 60.0


def _spike(key, minute):
    """Traffic bursts: in about one 6-hour block of seven, a 10-40 minute burst with a ramp up and down; 0 or its height."""
    block = minute // 360
    if _mix(key, block, 21) >= 0.15:
        return 0.0
    begin = block * 360 + int(_mix(key, block, 22) * 300)
    length = 10 + int(_mix(key, block, 23) * 30)
    if not begin <= minute < begin + length:
        return 0.0
    ramp = min(1.0, (minute - begin + 1) / 4.0, (begin + length - minute) / 4.0)
    return (0.6 + _mix(key, block, 24)) * ramp


def _gap(key, minute):
    """Missing data: short ingestion gaps (one 3-minute block in a hundred) and rare outages of 10-30 minutes."""
    if _mix(key, minute // 3, 31) < 0.01:
        return True
    block = minute // 720
    if _mix(key, block, 32) < 0.25:
        begin = block * 720 + int(_mix(key, block, 33) * 690)
        return begin <= minute < begin + 10 + int(_mix(key, block, 34) * 20)
    return False


def sample(seed, resource_id, metric, spec, minute):
    """The value of a metric at an epoch minute, or None for a gap.

    Metrics of a deployment and of its endpoint follow one traffic pattern (daily and weekly cycles in the users' time
    zone, slow drift, bursts) and share ingestion gaps; each metric adds its own noise.
    """
    traffic = _base_key(seed, _traffic_key(resource_id))
    if _gap(traffic, minute):
        return None
    own = _base_key(seed, resource_id.lower(), metric)
    base, daily, weekly, noise, low, high = spec[2:]
    local = minute + _TRAFFIC_OFFSETS[traffic % len(_TRAFFIC_OFFSETS)]
    weekly_shape = _weekly_shape(local)
    damp = 0.5 if weekly_shape < -0.5 else 1.0
    value = base + daily * damp * _daily_shape(local) + weekly * weekly_shape
    if metric == "DeploymentCapacity":
        # The instance count follows the hour's traffic in whole steps, not the minute's noise or bursts.
        value = round(base + daily * damp * _daily_shape(local - local % 60))
    else:
        value += 0.3 * daily * _drift(traffic, minute) + max(base, daily) * 1.2 * _spike(traffic, minute)
        value += noise * (2 * _mix(own, minute, 1) - 1)
    value = max(low, value)
    if high is not None:
        value = min(high, value)
    return round(value, 3)


def series(seed, resource_id, metric, spec, start, end, interval_s, aggregations, sampler=None):
    """Data points between two datetimes, aggregated per interval; ``sampler(minute)`` replaces ``sample`` when given."""
    sampler = sampler or (lambda minute: sample(seed, resource_id, metric, spec, minute))
    points = []
    cursor = int(start.timestamp() // interval_s * interval_s)
    stop = end.timestamp()
    step = max(1, int(interval_s // 60 // 60))
    while cursor < stop and len(points) < 50000:
        minutes = range(cursor // 60, (cursor + int(interval_s)) // 60, step)
        values = [val for val in (sampler(minute) for minute in minutes) if val is not None]
        point = {"timeStamp": datetime.datetime.fromtimestamp(cursor, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        if values:
            totals = {"Average": round(sum(values) / len(values), 3), "Minimum": min(values), "Maximum": max(values),
                      "Total": round(sum(values) * step, 3), "Count": float(len(values) * step)}
            for aggregation in aggregations:
                point[aggregation.lower()] = totals[aggregation]
        points.append(point)
        cursor += int(interval_s)
    return points
