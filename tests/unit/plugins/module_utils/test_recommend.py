# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The recommendation's search on histories whose best policy is known by construction."""

from __future__ import annotations

import math

import pytest

from ansible_collections.mlops.autoscale.plugins.module_utils import _engine, _model, _recommend
from ansible_collections.mlops.autoscale.tests.unit.plugins.module_utils.model_data import DEPLOYMENT_ID, TARGET

DAY = 1440
FIRST = 29_000_000 - 29_000_000 % DAY          # an epoch minute at midnight UTC (a Thursday)
CPU = _engine.series_key(DEPLOYMENT_ID, "CpuUtilizationPercentage")
SLO = {"key": CPU, "aggregation": "Average", "operator": "GreaterThan", "threshold": 90.0, "metric_name": "CpuUtilizationPercentage",
       "metric_resource_uri": DEPLOYMENT_ID}
# Instant engine: no metric lag, instances ready at once; the recorded CPU is rescaled to the simulated count.
ENGINE = _engine.parameters({"metric_lag": "0m", "provisioning_delay": "0m"})
LIVE_POLICY = {"capacity": {"minimum": 4, "maximum": 6, "default": 4}, "rules": [
    {"metric_name": "CpuUtilizationPercentage", "operator": "GreaterThan", "threshold": 70, "direction": "Increase", "value": 1,
     "cooldown": "15m"},
    {"metric_name": "CpuUtilizationPercentage", "operator": "LessThan", "threshold": 30, "direction": "Decrease", "value": 1,
     "cooldown": "10m", "time_window": "10m"}]}


def steady_history(days, cpu=30.0, recorded=4):
    """CPU steady at ``cpu`` % on ``recorded`` instances: a load of cpu x recorded, 120 % by default.

    One instance breaches the SLO (CPU above 90 %) every minute, two serve it at 60 %: the cheapest policy that never
    breaches runs two instances, half of the live policy's four.
    """
    minutes = days * DAY + 120
    start = (FIRST - 120) * 60
    metrics = {CPU: {"start": start, "values": {"Average": [cpu] * minutes}}}
    observed = {"start": start, "values": {"Average": [float(recorded)] * minutes}}
    return metrics, observed


def inputs(metrics, observed, live_policy):
    live = _model.setting_from_policy(live_policy, TARGET, "s", root="live") if live_policy else None
    baseline = live or _model.setting_from_policy({"capacity": {"minimum": 4, "maximum": 4, "default": 4}, "rules": []}, TARGET, "s")
    return {"live": live, "baseline": baseline, "fixed_count": None if live else 4, "target_ids": TARGET, "name": "s",
            "metrics": metrics, "observed": observed, "slo": SLO}


def options(**given):
    return dict({"budgets": None, "maximum_instances": None, "schedules": True, "max_replays": 60, "seed": 0}, **given)


def run(days=3, share=1 / 3.0, engine=ENGINE, live=True, **given):
    """The recommendation on a steady history, with the live policy (or none, ``live=False``)."""
    metrics, observed = steady_history(days)
    parts = _recommend.split_window(FIRST, days * DAY, share)
    return _recommend.recommend(inputs(metrics, observed, LIVE_POLICY if live else None), engine, parts, options(**given))[0]


def test_split_holds_out_whole_days_at_the_end():
    assert _recommend.split_window(FIRST, 14 * DAY, 0.3) == ((FIRST, 10 * DAY), (FIRST + 10 * DAY, 4 * DAY))
    assert _recommend.split_window(FIRST, 600, 0.3) == ((FIRST, 420), (FIRST + 420, 180))


def test_known_best_policy_is_found_and_validated_on_the_held_out_days():
    result = run()
    held = result["held_out"]
    assert result["keeps_live"] is False
    # Two instances all the time: 2 x 24 h, never a breach; the live policy's four use twice as much.
    assert held["recommended"]["instance_hours"] == pytest.approx(48.0)
    assert held["current"]["instance_hours"] == pytest.approx(96.0)
    assert held["recommended"]["slo_minutes_breached"] == 0
    assert held["instance_hours_saved_percent"] == pytest.approx(50.0)
    assert held["slo_no_worse"] is True
    assert result["policy"]["capacity"]["minimum"] <= 2
    assert result["host_vars"]["endpoint_autoscale_capacity"] == result["policy"]["capacity"]


def test_the_recommended_policy_is_lint_free_and_valid_for_the_role():
    result = run()
    setting = _model.setting_from_policy(result["host_vars"], TARGET, "s")
    assert _recommend.lint_setting(setting, provisioning_time=0) == []


@pytest.mark.parametrize("per_day,expected_hours", [(None, 48.0), (1440, 24.0)])
def test_budgets_are_respected(per_day, expected_hours):
    """With no SLO budget the search stops at two instances; allowed to breach all day, one instance is cheapest."""
    result = run(budgets={"slo_minutes_per_day": per_day} if per_day else None)
    search = result["search"]
    assert search["recommended"]["slo_minutes_breached"] <= search["budgets"]["slo_minutes_breached"]
    assert search["recommended"]["scale_events"] <= search["budgets"]["scale_events"]
    assert result["held_out"]["recommended"]["instance_hours"] == pytest.approx(expected_hours)


def test_no_scale_events_allowed_gives_a_fixed_count():
    """Bringing the count into a new maximum is a clamp, not a scale event: a maximum of two meets a zero budget."""
    result = run(budgets={"scale_events_per_day": 0})
    assert result["search"]["recommended"]["scale_events"] == 0
    assert result["held_out"]["recommended"]["scale_events"] == 0
    assert result["held_out"]["recommended"]["instance_hours"] == pytest.approx(48.0)
    assert result["policy"]["capacity"]["maximum"] == 2


def test_a_search_that_cannot_save_keeps_the_live_policy_and_says_why():
    tight = run(budgets={"scale_events_per_day": 0, "slo_minutes_per_day": 0}, max_replays=1)
    assert tight["keeps_live"] is True
    assert tight["policy"] == _model.policy_from_setting(_model.setting_from_policy(LIVE_POLICY, TARGET, "s"))
    assert any("the recommendation is the live policy" in note for note in tight["notes"])


def test_the_search_is_deterministic_for_a_seed():
    first, second = run(seed=7), run(seed=7)
    assert first == second


def test_without_a_live_setting_the_fixed_count_is_the_baseline_and_cpu_is_searched():
    result = run(live=False)
    assert result["held_out"]["current"]["instance_hours"] == pytest.approx(96.0)
    assert result["held_out"]["recommended"]["instance_hours"] == pytest.approx(48.0)
    assert all(rule["metric_name"] == "CpuUtilizationPercentage" for rule in result["policy"]["rules"])
    assert result["search"]["start"]["minimum"] == 1 and result["search"]["start"]["maximum"] == 8   # up to twice the count


def test_the_search_never_replays_more_than_max_replays():
    assert run(max_replays=5)["search"]["replays"] <= 5


def test_lints_reject_candidates_before_they_are_replayed():
    """With a 15 minute provisioning time every scale-out cooldown offered is at least 15 minutes."""
    result = run(engine=_engine.parameters({"metric_lag": "0m", "provisioning_delay": "15m"}))
    assert all(parse >= 900 for parse in (_engine.parse_duration(value, "c") for value in result["search"]["space"]["scale_out_cooldown"]))
    for rule in result["policy"]["rules"]:
        if rule["direction"] == "Increase":
            assert _engine.parse_duration(rule["cooldown"], "cooldown") >= 900


def _daily(minute):
    hour = (minute % DAY) / 60.0
    return 100.0 + 300.0 * math.exp(-((hour - 13) / 2.5) ** 2)


def test_a_daily_pattern_gives_peak_hours():
    demand = [(FIRST + minute, _daily(minute)) for minute in range(7 * DAY)]
    pattern = _recommend.daily_pattern(demand)
    assert pattern["start"] in ("10:00", "11:00") and pattern["end"] in ("15:00", "16:00")
    assert pattern["days"] == _recommend.ALL_DAYS
    assert _recommend.daily_pattern([(FIRST + minute, 100.0) for minute in range(2 * DAY)]) is None


def test_weekdays_only_when_weekends_are_quiet():
    demand = [(FIRST + minute, _daily(minute) * (0.3 if (minute // DAY + 3) % 7 >= 5 else 1.0)) for minute in range(14 * DAY)]
    assert _recommend.daily_pattern(demand)["days"] == _recommend.WEEKDAYS


def test_thresholds_of_other_metrics_come_from_the_history():
    load = [(FIRST + minute, float(minute % 100)) for minute in range(1000)]
    stats = _recommend.history_stats(load, None, "RequestsPerMinute", False)
    assert stats["out_thresholds"] == sorted(stats["out_thresholds"]) and 40 <= stats["out_thresholds"][0] <= 60
    assert stats["integer_thresholds"] is False


@pytest.mark.parametrize("minimum,step", [(1, 1), (2, 1), (2, 2), (3, 2)])
def test_the_highest_scale_in_margin_never_flaps(minimum, step):
    """Just below the flapping limit the lint finds nothing; at it, scaling in to the minimum flaps."""
    space = _recommend.Space(None, 4, _recommend.default_rule(DEPLOYMENT_ID), {
        "out_thresholds": [80], "integer_thresholds": True, "pattern": None},
        {"provisioning_time": 900, "maximum_instances": 8, "schedules": False})
    point = dict(space.start, minimum=minimum, maximum=8, scale_out_threshold=80, scale_in_step=step, scale_in_margin=0.95)
    assert space.flapping_limit(point) == pytest.approx(80.0 * minimum / (minimum + step))
    assert _recommend.lint_setting(_model.setting_from_policy(space.policy(point), TARGET, "s"), provisioning_time=900) == []
    flapping = dict(point, scale_in_margin=1.05)
    codes = {finding["code"] for finding in _recommend.lint_setting(
        _model.setting_from_policy(space.policy(flapping), TARGET, "s"), provisioning_time=900)}
    assert codes == {"flapping-thresholds"}


def test_a_candidate_must_stay_within_the_slo_budget_on_each_half_of_the_search():
    budgets = {"slo_minutes_breached": 10, "slo_minutes_by_half": [5, 5], "scale_events": 8}
    spread = {"instance_hours": 10.0, "slo_minutes_breached": 10, "slo_minutes_by_half": [5, 5], "scale_events": 2}
    bunched = dict(spread, slo_minutes_by_half=[10, 0])
    assert _recommend.within(spread, budgets) and not _recommend.within(bunched, budgets)
    assert _recommend.rank(spread, budgets) < _recommend.rank(dict(bunched, instance_hours=1.0), budgets)
    assert _recommend.budgets_for(None, 2 * DAY, {"slo_minutes_per_day": 3, "scale_events_per_day": 1}) == {
        "slo_minutes_breached": 6, "slo_minutes_by_half": [3, 3], "scale_events": 2}
