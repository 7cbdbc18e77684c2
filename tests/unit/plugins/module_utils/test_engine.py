# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The autoscale engine model: the Azure docs' worked examples, profile selection, and properties of every replay."""

from __future__ import annotations

import datetime
import random

import pytest

from ansible_collections.mlops.autoscale.plugins.module_utils import _engine, _model

DEPLOYMENT = ("/subscriptions/0000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"
              "/onlineEndpoints/ep/deployments/blue")
TARGET = _model.target_ids_from_deployment_id(DEPLOYMENT)
CPU = _engine.series_key(DEPLOYMENT, "CpuUtilizationPercentage")
RPM = _engine.series_key(DEPLOYMENT, "RequestsPerMinute")
T0 = int(datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.timezone.utc).timestamp())  # a Monday, 12:00 UTC

# Instant engine: no lag, no provisioning delay, every minute; each test states what it changes.
INSTANT = {"metric_lag": "0m", "provisioning_delay": "0m", "per_instance_metrics": []}


def rule(operator, threshold, direction, value=1, cooldown="5m", metric="CpuUtilizationPercentage", **extra):
    params = {"metric_name": metric, "operator": operator, "threshold": threshold, "direction": direction, "value": value,
              "cooldown": cooldown, "time_window": extra.pop("time_window", "1m")}
    params.update(extra)
    return _model.build_rule(params, TARGET, "rule")


def profile(minimum, maximum, default, rules, name="default", **schedule):
    params = {"name": name, "capacity": {"minimum": minimum, "maximum": maximum, "default": default}, "rules": rules}
    params.update(schedule)
    return _model.build_profile(params, TARGET, "profile")


def series(values, key=CPU, start=T0 - 60):
    """One series; by default its first value is the minute before T0, so that the run at T0 reads it (1m window, no lag)."""
    return {key: {"start": start, "values": {"Average": list(values)}}}


def replay(profiles, metrics, minutes, **params):
    merged = dict(INSTANT)
    merged.update(params)
    return _engine.simulate({"profiles": profiles}, metrics, T0, T0 + minutes * 60, merged)


def at(minutes):
    return _engine.iso_minute(T0 // 60 + minutes)


def counts(result, minutes):
    """The instance count per minute, from the change points."""
    points = [(_minute_of(point["time"]), point["instances"]) for point in result["timeline"]]
    out = []
    for minute in range(minutes):
        out.append([count for start, count in points if start <= minute][-1])
    return out


def _minute_of(text):
    moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    return int(moment.timestamp() - T0) // 60


# ---------------------------------------------------------------- flapping (autoscale-flapping, autoscale-best-practices)

DOCS_FLAPPING_RULES = [rule("GreaterThanOrEqual", 80, "Increase"), rule("LessThanOrEqual", 60, "Decrease")]


def test_flapping_projection_60_percent_on_3_is_skipped():
    """60 % on 3 instances projects 60 x 3 / 2 = 90 % on 2: >= 80 would scale out again, so the scale-in is skipped."""
    result = replay([profile(2, 5, 3, DOCS_FLAPPING_RULES)], series([60.0] * 10), 10, initial_count=3)
    assert result["events"] == []
    assert counts(result, 10) == [3] * 10
    [skip] = result["skipped"]
    assert (skip["reason"], skip["direction"], skip["runs"]) == ("flapping", "Decrease", 10)
    assert "projected 90 on 2" in skip["detail"]
    assert result["summary"]["skipped_flapping_runs"] == 10


def test_flapping_projection_50_percent_on_3_scales_in():
    """50 % on 3 projects 75 % on 2, below 80: the scale-in happens."""
    result = replay([profile(2, 5, 3, DOCS_FLAPPING_RULES)], series([50.0] * 10), 10, initial_count=3)
    first = result["events"][0]
    assert (first["kind"], first["from"], first["to"], first["time"]) == ("scale_in", 3, 2, at(0))
    assert result["skipped"] == [] or all(item["reason"] != "flapping" for item in result["skipped"][:1])


def test_flapping_guard_tries_intermediate_counts():
    """A step of 3 from 4 to 1 would project 50 x 4 / 1 = 200; 2 instances (100) flaps too, 3 (66.7) passes."""
    rules = [rule("GreaterThanOrEqual", 80, "Increase"), rule("LessThanOrEqual", 60, "Decrease", value=3)]
    result = replay([profile(1, 5, 4, rules)], series([50.0] * 3), 3, initial_count=4)
    first = result["events"][0]
    assert (first["kind"], first["from"], first["to"]) == ("scale_in", 4, 3)
    assert "flapping guard: 3 instead of 1" in first["reason"]


def test_flapping_search_target_only_skips_instead():
    rules = [rule("GreaterThanOrEqual", 80, "Increase"), rule("LessThanOrEqual", 60, "Decrease", value=3)]
    result = replay([profile(1, 5, 4, rules)], series([50.0] * 3), 3, initial_count=4, flapping_search="target_only")
    assert result["events"] == []
    assert result["skipped"][0]["reason"] == "flapping"


def test_flapping_search_from_current_removes_fewest_first():
    rules = [rule("GreaterThanOrEqual", 80, "Increase"), rule("LessThanOrEqual", 60, "Decrease", value=3)]
    result = replay([profile(1, 8, 6, rules)], series([20.0] * 1), 1, initial_count=6, flapping_search="from_current")
    # from the target (3): 20 x 6 / 3 = 40 passes at once; from the current count, 5 is tried first and passes.
    assert (result["events"][0]["to"]) == 5
    default = replay([profile(1, 8, 6, rules)], series([20.0] * 1), 1, initial_count=6)
    assert default["events"][0]["to"] == 3


# ---------------------------------------------------------------- cooldown (autoscale-understanding-settings)

def test_cooldown_of_a_scale_in_defers_a_scale_out():
    """Scale-in at 13:00 with a 40 minute cooldown: the scale-out the metrics ask for at 13:20 happens at 13:40."""
    rules = [rule("GreaterThan", 80, "Increase", cooldown="5m"), rule("LessThan", 30, "Decrease", cooldown="40m")]
    values = [20.0] + [50.0] * 19 + [90.0] * 30   # 13:00 low (scale in), 13:20 onwards high
    start = T0 + 3600  # 13:00
    result = _engine.simulate({"profiles": [profile(1, 5, 3, rules)]}, series(values, start=start - 60), start, start + 50 * 60,
                              dict(INSTANT, initial_count=3))
    kinds = [(event["kind"], event["time"]) for event in result["events"]]
    assert kinds[0] == ("scale_in", _engine.iso_minute(start // 60))
    assert kinds[1] == ("scale_out", _engine.iso_minute(start // 60 + 40))
    cooldown = [item for item in result["skipped"] if item["reason"] == "cooldown"]
    assert cooldown[0]["direction"] == "Increase"
    assert cooldown[0]["time"] == _engine.iso_minute(start // 60 + 20)
    assert cooldown[0]["until"] == _engine.iso_minute(start // 60 + 40)
    assert cooldown[0]["runs"] == 20


def test_cooldown_from_ready_adds_the_provisioning_delay():
    rules = [rule("GreaterThan", 80, "Increase", cooldown="10m")]
    result = replay([profile(1, 10, 1, rules)], series([95.0] * 60), 60, initial_count=1, provisioning_delay="15m",
                    cooldown_from="ready", skip_while_provisioning=False)
    times = [event["time"] for event in result["events"]]
    assert times[:2] == [at(0), at(25)]


def test_a_run_is_skipped_while_instances_provision():
    rules = [rule("GreaterThan", 80, "Increase", cooldown="1m")]
    result = replay([profile(1, 10, 1, rules)], series([95.0] * 40), 40, initial_count=1, provisioning_delay="15m")
    assert [event["time"] for event in result["events"]][:3] == [at(0), at(15), at(30)]
    assert result["skipped"][0]["reason"] == "in_progress"
    assert result["timeline"][0]["ready"] == 1 and result["timeline"][0]["instances"] == 2


# ---------------------------------------------------------------- scale-out any / highest, scale-in all / fewest

def test_highest_scale_out_wins():
    rules = [rule("GreaterThan", 70, "Increase", value=1), rule("GreaterThan", 500, "Increase", value=3, metric="RequestsPerMinute"),
             rule("GreaterThan", 95, "Increase", value=2)]
    metrics = series([80.0] * 2)
    metrics.update(series([900.0] * 2, key=RPM))
    result = replay([profile(1, 10, 2, rules)], metrics, 1, initial_count=2)
    [event] = result["events"]
    assert (event["from"], event["to"], event["rule"]) == (2, 5, 1)
    assert "RequestsPerMinute" in event["reason"] and "CpuUtilizationPercentage" in event["reason"]


def test_scale_out_is_clamped_to_maximum_and_counted_at_maximum():
    rules = [rule("GreaterThan", 70, "Increase", value=3)]
    result = replay([profile(1, 4, 2, rules)], series([90.0] * 5), 5, initial_count=2)
    assert [(event["from"], event["to"]) for event in result["events"]] == [(2, 4)]
    assert result["summary"]["minutes_at_maximum"] == 5
    assert result["summary"]["minutes_blocked_at_maximum"] == 4


def test_all_scale_in_rules_must_fire():
    rules = [rule("GreaterThan", 90, "Increase"), rule("LessThan", 30, "Decrease"),
             rule("LessThan", 100, "Decrease", metric="RequestsPerMinute")]
    metrics = series([20.0] * 2)
    metrics.update(series([500.0] * 2, key=RPM))
    result = replay([profile(1, 5, 3, rules)], metrics, 2, initial_count=3)
    assert result["events"] == []
    metrics.update(series([50.0] * 2, key=RPM))
    result = replay([profile(1, 5, 3, rules)], metrics, 1, initial_count=3)
    assert [(event["kind"], event["to"]) for event in result["events"]] == [("scale_in", 2)]


def test_scale_in_removing_fewest_wins():
    rules = [rule("LessThan", 30, "Decrease", value=2), rule("LessThan", 1000, "Decrease", value=1, metric="RequestsPerMinute")]
    metrics = series([10.0] * 2)
    metrics.update(series([50.0] * 2, key=RPM))
    result = replay([profile(1, 6, 5, rules)], metrics, 1, initial_count=5)
    [event] = result["events"]
    assert (event["from"], event["to"], event["rule"]) == (5, 4, 1)


def test_scale_out_firing_blocks_scale_in():
    rules = [rule("GreaterThan", 50, "Increase"), rule("LessThan", 1000, "Decrease", metric="RequestsPerMinute")]
    metrics = series([60.0] * 2)
    metrics.update(series([10.0] * 2, key=RPM))
    result = replay([profile(1, 3, 3, rules)], metrics, 1, initial_count=3)
    assert result["events"] == []
    assert result["summary"]["minutes_blocked_at_maximum"] == 1


@pytest.mark.parametrize("rounding, expected", [("floor", 7), ("ceil", 8), ("round", 8)])
def test_percent_change_rounding(rounding, expected):
    """50 % of 5 instances is 2.5: the docs do not say how that is rounded."""
    rules = [rule("GreaterThan", 70, "Increase", value=50, type="PercentChangeCount")]
    result = replay([profile(1, 20, 5, rules)], series([90.0]), 1, initial_count=5, percent_rounding=rounding)
    assert result["events"][0]["to"] == expected


def test_percent_change_changes_at_least_one_instance():
    rules = [rule("LessThan", 10, "Decrease", value=10, type="PercentChangeCount")]
    result = replay([profile(1, 20, 3, rules)], series([5.0]), 1, initial_count=3)
    assert result["events"][0]["to"] == 2


def test_exact_count():
    rules = [rule("GreaterThan", 70, "Increase", value=7, type="ExactCount")]
    result = replay([profile(1, 20, 2, rules)], series([90.0]), 1, initial_count=2)
    assert result["events"][0]["to"] == 7


# ---------------------------------------------------------------- default capacity (only upward, only without metrics)

def test_default_capacity_only_upward_when_metrics_are_missing():
    rules = [rule("GreaterThan", 80, "Increase")]
    below = replay([profile(1, 10, 4, rules)], {}, 3, initial_count=2)
    assert [(event["kind"], event["from"], event["to"]) for event in below["events"]] == [("default_capacity", 2, 4)]
    assert below["summary"]["minutes_without_metrics"] == 3
    above = replay([profile(1, 10, 4, rules)], {}, 3, initial_count=6)
    assert above["events"] == []
    assert counts(above, 3) == [6, 6, 6]


def test_default_capacity_is_not_used_while_metrics_are_read():
    rules = [rule("GreaterThan", 80, "Increase")]
    result = replay([profile(1, 10, 4, rules)], series([50.0] * 3), 3, initial_count=2)
    assert result["events"] == []


def test_missing_metrics_all_needs_every_rule_unreadable():
    rules = [rule("GreaterThan", 80, "Increase"), rule("GreaterThan", 500, "Increase", metric="RequestsPerMinute")]
    result = replay([profile(1, 10, 4, rules)], series([50.0]), 1, initial_count=2, missing_metrics="all")
    assert result["events"] == []
    result = replay([profile(1, 10, 4, rules)], series([50.0]), 1, initial_count=2)
    assert result["events"][0]["kind"] == "default_capacity"


# ---------------------------------------------------------------- profiles (autoscale-multiprofile)

FIXED = {"fixed_date": {"time_zone": "UTC", "start": "2026-03-02T14:00:00", "end": "2026-03-02T15:59:00"}}
RECURRING = {"recurrence": {"days": ["Monday"], "time_zone": "UTC", "start": "13:00", "end": "15:00"}}
END = "default after weekly"  # the end profile _model.end_profile_name("default", "weekly"), as a person reads it


def test_fixed_date_over_recurrence_over_default():
    profiles = [profile(1, 2, 1, [], name="default"), profile(3, 4, 3, [], name="weekly", **RECURRING),
                profile(6, 8, 6, [], name="launch", **FIXED)]
    result = replay(profiles, {}, 300, initial_count=1)
    names = [(_minute_of(point["time"]), point["profile"], point["instances"]) for point in result["timeline"]]
    # Monday 12:00: the end profile of last Monday's recurrence (the default's capacity); 13:00 the recurrence starts;
    # 14:00-15:59 the fixed date wins over it (its end, 15:00, falls inside the fixed date); 16:00 the end profile again.
    assert names == [(0, END, 1), (60, "weekly", 3), (120, "launch", 6), (240, END, 2)]
    clamps = [(event["time"], event["from"], event["to"]) for event in result["events"] if event["kind"] == "clamp"]
    assert clamps == [(at(60), 1, 3), (at(120), 3, 6), (at(240), 6, 2)]
    assert result["summary"]["profile_minutes"] == {END: 120, "weekly": 60, "launch": 120}


def test_default_profile_without_recurrences():
    profiles = [profile(1, 2, 1, [], name="default"), profile(6, 8, 6, [], name="launch", **FIXED)]
    result = replay(profiles, {}, 300, initial_count=1)
    assert [(point["profile"], point["instances"]) for point in result["timeline"]] == [("default", 1), ("launch", 6), ("default", 2)]


def test_fixed_date_end_exclusive():
    profiles = [profile(1, 2, 1, [], name="default"), profile(6, 8, 6, [], name="launch", **FIXED)]
    inclusive = replay(profiles, {}, 300, initial_count=1)
    exclusive = replay(profiles, {}, 300, initial_count=1, fixed_date_end="exclusive")
    assert inclusive["summary"]["profile_minutes"]["launch"] == 120
    assert exclusive["summary"]["profile_minutes"]["launch"] == 119


def test_recurrence_end_restores_the_default_profile():
    recurrence = {"recurrence": {"days": ["Monday"], "time_zone": "UTC", "start": "13:00", "end": "14:00"}}
    profiles = [profile(1, 2, 1, [], name="default"), profile(3, 4, 3, [], name="lunch", **recurrence)]
    result = replay(profiles, {}, 180, initial_count=1)
    points = [(_minute_of(point["time"]), point["profile"]) for point in result["timeline"]]
    end_name = "default after lunch"  # Azure: _model.end_profile_name("default", "lunch")
    assert points == [(0, end_name), (60, "lunch"), (120, end_name)]
    assert [event["to"] for event in result["events"]] == [3, 2]


@pytest.mark.parametrize("day, utc_start", [(2, "2026-03-02T17:00:00Z"), (9, "2026-03-09T16:00:00Z")])
def test_recurrence_in_a_windows_time_zone(day, utc_start):
    """09:00 Pacific Standard Time is 17:00 UTC on March 2, 2026 and 16:00 UTC on March 9 (daylight saving from March 8)."""
    recurrence = {"recurrence": {"days": ["Monday"], "time_zone": "Pacific Standard Time", "start": "09:00", "end": "17:00"}}
    start = int(datetime.datetime(2026, 3, day, 12, 0, tzinfo=datetime.timezone.utc).timestamp())
    profiles = [profile(1, 2, 1, [], name="default"), profile(3, 4, 3, [], name="business", **recurrence)]
    result = _engine.simulate({"profiles": profiles}, {}, start, start + 6 * 3600, dict(INSTANT, initial_count=1))
    assert [(point["time"], point["profile"]) for point in result["timeline"]][1] == (utc_start, "business")
    assert result["warnings"] == []


def test_recurrence_started_last_week_is_still_active():
    recurrence = {"recurrence": {"days": ["Friday"], "time_zone": "UTC", "start": "18:00"}}
    profiles = [profile(1, 2, 1, [], name="default"), profile(3, 4, 3, [], name="weekend", **recurrence)]
    result = replay(profiles, {}, 10, initial_count=1)
    assert result["timeline"][0]["profile"] == "weekend"
    assert result["events"][0]["kind"] == "clamp"


def test_same_start_tie_break():
    first = {"recurrence": {"days": ["Monday"], "time_zone": "UTC", "start": "12:30"}}
    profiles = [profile(1, 2, 1, [], name="default"), profile(3, 4, 3, [], name="a", **first), profile(5, 6, 5, [], name="b", **first)]
    assert replay(profiles, {}, 60)["timeline"][-1]["profile"] == "a"
    assert replay(profiles, {}, 60, profile_tie_break="last")["timeline"][-1]["profile"] == "b"


def test_unknown_time_zone_is_reported_or_fails():
    zone, warning = _engine.resolve_time_zone("Mars Standard Time")
    assert zone is datetime.timezone.utc and "simulated as UTC" in warning
    with pytest.raises(ValueError, match="Mars"):
        _engine.resolve_time_zone("Mars Standard Time", "error")
    zone, warning = _engine.resolve_time_zone("UTC-08")
    assert warning is None and zone.utcoffset(None) == datetime.timedelta(hours=-8)


def test_clamp_can_start_a_cooldown():
    rules = [rule("GreaterThan", 80, "Increase")]
    profiles = [profile(1, 10, 1, rules, name="default"), profile(3, 10, 3, rules, name="weekly", **RECURRING)]
    values = [50.0] * 61 + [90.0] * 20
    values = values[1:]   # minute 59 is the last low one: the run at 13:00 reads 90
    plain = replay(profiles, series(values), 80, initial_count=1)
    assert [(event["kind"], event["time"]) for event in plain["events"]][:2] == [("clamp", at(60)), ("scale_out", at(60))]
    cooled = replay(profiles, series(values), 80, initial_count=1, clamp_starts_cooldown=True, implicit_cooldown="10m")
    assert [(event["kind"], event["time"]) for event in cooled["events"]][:2] == [("clamp", at(60)), ("scale_out", at(70))]


# ---------------------------------------------------------------- metric pipeline

def test_metric_lag_delays_the_reaction():
    rules = [rule("GreaterThan", 80, "Increase", cooldown="1h")]
    values = [50.0] * 12 + [90.0] * 20   # minute 11 is the first high one
    assert replay([profile(1, 5, 1, rules)], series(values), 30, initial_count=1)["events"][0]["time"] == at(12)
    assert replay([profile(1, 5, 1, rules)], series(values), 30, initial_count=1, metric_lag="3m")["events"][0]["time"] == at(15)


def test_evaluation_interval():
    rules = [rule("GreaterThan", 80, "Increase", cooldown="1h")]
    values = [50.0] * 12 + [90.0] * 20
    result = replay([profile(1, 5, 1, rules)], series(values), 30, initial_count=1, evaluation_interval="5m")
    assert result["events"][0]["time"] == at(15)


@pytest.mark.parametrize("aggregation, statistic, expected", [
    ("Average", "Average", 40.0), ("Maximum", "Average", 100.0), ("Minimum", "Average", 10.0), ("Total", "Average", 200.0),
    ("Last", "Average", 100.0), ("Count", "Average", 5),
])
def test_time_aggregation(aggregation, statistic, expected):
    reader = _engine._Metrics(series([10.0, 20.0, 30.0, 40.0, 100.0], start=T0), None, _engine.parameters(INSTANT), T0 // 60)
    compiled = _engine._compile_rule(rule("GreaterThan", 1, "Increase", time_window="5m", time_aggregation=aggregation,
                                          statistic=statistic), 0)
    assert reader.aggregate(compiled, T0 // 60 + 5) == pytest.approx(expected)


def test_statistic_per_grain_and_grains_over_the_window():
    values = {"Average": [10.0, 20.0, 30.0, 40.0], "Maximum": [15.0, 25.0, 35.0, 45.0]}
    metrics = {CPU: {"start": T0, "values": values}}
    reader = _engine._Metrics(metrics, None, _engine.parameters(INSTANT), T0 // 60)
    compiled = _engine._compile_rule(rule("GreaterThan", 1, "Increase", time_window="4m", time_grain="2m", statistic="Max"), 0)
    # grains of 2 minutes: max(15, 25) = 25 and max(35, 45) = 45; averaged over the window: 35
    assert reader.aggregate(compiled, T0 // 60 + 4) == pytest.approx(35.0)


def test_divide_per_instance():
    rules = [rule("GreaterThan", 400, "Increase", metric="RequestsPerMinute", divide_per_instance=True)]
    result = replay([profile(1, 5, 2, rules)], series([1000.0] * 3, key=RPM), 3, initial_count=2)
    assert [(event["from"], event["to"]) for event in result["events"]] == [(2, 3)]
    assert "per instance" in result["events"][0]["reason"] or "500" in result["events"][0]["reason"]


def test_per_instance_metrics_follow_the_simulated_count():
    """Recorded at 2 instances, 90 % CPU is 60 % on 3: once the third instance is ready the metric is below the threshold."""
    rules = [rule("GreaterThan", 80, "Increase", cooldown="10m")]
    observed = {"start": T0 - 3600, "values": {"Average": [2.0] * 200}}
    result = _engine.simulate({"profiles": [profile(1, 10, 2, rules)]}, series([90.0] * 30, start=T0 - 600), T0, T0 + 20 * 60,
                              dict(INSTANT, per_instance_metrics=["CpuUtilizationPercentage"], initial_count=2, provisioning_delay="5m"),
                              observed_capacity=observed, slo={"key": CPU, "threshold": 80}, keep_series=True)
    assert [(event["from"], event["to"]) for event in result["events"]] == [(2, 3)]
    assert result["summary"]["slo_minutes_breached"] == 5
    assert result["series"]["slo"][:6] == [90.0] * 5 + [pytest.approx(60.0)]


def test_slo_minutes_count_breaches():
    result = replay([profile(1, 1, 1, [])], series([100.0, 300.0, 500.0, None, 600.0]), 5,
                    )
    assert result["summary"]["slo_minutes_breached"] is None
    with_slo = _engine.simulate({"profiles": [profile(1, 1, 1, [])]}, series([100.0, 300.0, 500.0, None, 600.0]), T0, T0 + 300,
                                INSTANT, slo={"key": CPU, "threshold": 250, "operator": "GreaterThan"})
    assert with_slo["summary"]["slo_minutes_breached"] == 3


# ---------------------------------------------------------------- parameters and outputs

@pytest.mark.parametrize("overrides, message", [
    ({"nope": 1}, "parameters.nope: unknown"),
    ({"percent_rounding": "up"}, "parameters.percent_rounding"),
    ({"metric_lag": "soon"}, "parameters.metric_lag"),
    ({"evaluation_interval": "30s"}, "one minute"),
    ({"skip_while_provisioning": "yes"}, "boolean"),
    ({"initial_count": -1}, "initial_count"),
    ({"per_instance_metrics": "Cpu"}, "per_instance_metrics"),
])
def test_bad_parameters(overrides, message):
    with pytest.raises(ValueError, match=message):
        _engine.parameters(overrides)


def test_end_before_start():
    with pytest.raises(ValueError, match="end"):
        _engine.simulate({"profiles": []}, {}, T0, T0)


def test_required_series_merges_aggregations():
    rules = [rule("GreaterThan", 80, "Increase"), rule("LessThan", 20, "Decrease", statistic="Max")]
    [needed] = _engine.required_series({"profiles": [profile(1, 5, 2, rules)]})
    assert needed["key"] == CPU and needed["aggregations"] == ["Average", "Maximum"]


def test_downsample_timeline():
    points = [{"time": str(index)} for index in range(1000)]
    kept, downsampled = _engine.downsample_timeline(points, 50)
    assert downsampled and len(kept) == 50 and kept[0] == points[0] and kept[-1] == points[-1]
    assert _engine.downsample_timeline(points[:10], 50) == (points[:10], False)


def test_compare():
    one = {"summary": {"instance_hours": 10.0, "scale_outs": 2}}
    two = {"summary": {"instance_hours": 12.5, "scale_outs": 1}}
    assert _engine.compare(one, two) == {"instance_hours": 2.5, "scale_outs": -1}
    assert _engine.compare(None, two) is None


# ---------------------------------------------------------------- properties

@pytest.mark.parametrize("seed", range(12))
def test_count_always_within_the_active_profile_limits(seed):
    """Random policies over random series: after each run the count is within [min, max] of the active profile."""
    rng = random.Random(seed)
    rules = []
    for _index in range(rng.randint(1, 4)):
        direction = rng.choice(["Increase", "Decrease"])
        rules.append(rule(rng.choice(["GreaterThan", "LessThan", "GreaterThanOrEqual", "LessThanOrEqual"]), rng.uniform(10, 90), direction,
                          value=rng.randint(1, 3), cooldown="{0}m".format(rng.randint(1, 30)),
                          type=rng.choice(["ChangeCount", "PercentChangeCount", "ExactCount"]),
                          time_window="{0}m".format(rng.randint(1, 15)), statistic=rng.choice(["Average", "Max", "Min"])))
    minimum = rng.randint(1, 3)
    maximum = minimum + rng.randint(0, 6)
    rules = [item for item in rules if item["type"] != "ExactCount" or minimum <= item["value"] <= maximum] or rules[:0]
    night = {"recurrence": {"days": ["Monday", "Tuesday"], "time_zone": "W. Europe Standard Time", "start": "14:00", "end": "16:00"}}
    profiles = [profile(minimum, maximum, minimum, rules), profile(1, 2, 1, [], name="night", **night)]
    values = [None if rng.random() < 0.05 else rng.uniform(0, 100) for _minute in range(24 * 60)]
    params = {"provisioning_delay": "{0}m".format(rng.randint(0, 10)), "metric_lag": "{0}m".format(rng.randint(0, 4)),
              "initial_count": rng.randint(1, 12), "per_instance_metrics": ["CpuUtilizationPercentage"]}
    result = _engine.simulate({"profiles": profiles}, series(values, start=T0 - 3600), T0, T0 + 20 * 3600, params,
                              observed_capacity=2, keep_series=True)
    limits = {"default": (minimum, maximum), "night": (1, 2), "default after night": (minimum, maximum)}
    for point in result["timeline"][1:]:
        low, high = limits[point["profile"]]
        assert low <= point["instances"] <= high, point
        assert 0 <= point["ready"] <= point["instances"]
    summary = result["summary"]
    assert summary["minutes"] == 20 * 60
    assert summary["instance_hours"] == pytest.approx(sum(result["series"]["instances"]) / 60.0, abs=0.01)
    for event in result["events"]:
        if event["kind"] == "scale_out":
            assert event["to"] > event["from"]
        if event["kind"] == "scale_in":
            assert event["to"] < event["from"]


# ---------------------------------------------------------------- ExactCount rules, rules the model approximates

def test_exact_count_rules_fire_whatever_their_written_direction():
    """The Azure CLI's ``--scale to N`` writes ExactCount with direction None: scale out to 6 on high CPU, in to 2 on low."""
    rules = [rule("GreaterThan", 80, "None", type="ExactCount", value=6), rule("LessThan", 20, "None", type="ExactCount", value=2)]
    result = replay([profile(2, 8, 3, rules)], series([90.0] * 5 + [50.0] * 5 + [10.0] * 10), 20, initial_count=3)
    assert [(event["kind"], event["from"], event["to"]) for event in result["events"]] == [("scale_out", 3, 6), ("scale_in", 6, 2)]
    assert [row["scale_actions"] for row in result["rules"]] == [1, 1]
    assert result["warnings"] == []


def test_exact_count_as_written_keeps_direction_none_idle():
    rules = [rule("GreaterThan", 80, "None", type="ExactCount", value=6)]
    result = replay([profile(2, 8, 3, rules)], series([90.0] * 5), 5, initial_count=3, exact_count_direction="as_written")
    assert result["events"] == [] and result["rules"][0]["fired"] == 5


def test_an_exact_count_below_the_count_scales_in_even_written_increase():
    """The portal writes 'Increase count to' with direction Increase; at a count above the value the rule lowers it."""
    rules = [rule("GreaterThan", 80, "Increase", type="ExactCount", value=4)]
    result = replay([profile(2, 8, 6, rules)], series([90.0] * 3), 3, initial_count=6)
    assert [(event["kind"], event["to"]) for event in result["events"]] == [("scale_in", 4)]


def test_every_rule_is_reported_and_approximations_are_named():
    rules = [rule("GreaterThan", 80, "Increase", type="ServiceAllowedNextValue"), rule("LessThan", 20, "None"),
             rule("LessThan", 10, "Decrease")]
    result = replay([profile(1, 5, 2, rules)], series([50.0] * 3), 3, initial_count=2)
    assert [(row["rule"], row["evaluations"], bool(row["approximation"])) for row in result["rules"]] == [
        (0, 3, True), (1, 3, True), (2, 3, False)]
    assert len(result["warnings"]) == 2
    assert "rule 0" in result["warnings"][0] and "ServiceAllowedNextValue" in result["warnings"][0]
    assert "rule 1" in result["warnings"][1] and "direction None with ChangeCount" in result["warnings"][1]


def test_the_cli_end_profile_replays_as_azure_has_it():
    """A setting the CLI made: weekend-profile with its end profile (a copy of the default, named with spaces)."""
    weekend = profile(2, 2, 2, [], name="weekend-profile",
                      recurrence={"days": ["Saturday", "Sunday"], "time_zone": "Pacific Standard Time", "start": "00:00", "end": "23:59"})
    result = replay([profile(2, 5, 2, [rule("GreaterThan", 80, "Increase")]), weekend], {}, 60)
    assert [row["profile"] for row in result["rules"]] == ["default", "default after weekend-profile"]
    assert [row["azure_profile"] for row in result["rules"]] == ["default", '{"name":"default","for":"weekend-profile"}']
