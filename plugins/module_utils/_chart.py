# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Pictures of a simulation: metrics and instance counts over time, current vs proposed.

A chart is a plain dict (built by the module from _engine results)::

    {"title": str, "start": epoch seconds, "step": seconds per value,
     "panels": [{"title": str, "series": [{"label", "values": [number or None], "color", "step": bool}],
                 "lines": [{"label", "value", "color"}]}],
     "table": {"columns": [...], "rows": [[...], ...]}}

build_chart() makes that dict from a replay. One matplotlib figure (Agg backend, imported on first use) is drawn from it:
write_png() saves it as PNG, write_html() inlines it as SVG in a page with the table of figures (no scripts). Both
raise ChartError naming matplotlib when it is missing.
"""

from __future__ import annotations

import datetime
import html
import io
import math

from ansible_collections.mlops.autoscale.plugins.module_utils import _engine

MAX_POINTS = 1500
MARKERS = {"Increase": "^", "Decrease": "v"}
COLORS = {"history": "#ff7f0e", "recorded": "#7f8c8d", "current": "#1f77b4", "proposed": "#d62728", "recommended": "#9467bd",
          "slo": "#2ca02c"}


class ChartError(Exception):
    """A picture could not be written; ``missing`` names a library that is not installed."""

    def __init__(self, message, missing=None):
        super().__init__(message)
        self.missing = missing


def downsample(values, limit=MAX_POINTS, how="mean"):
    """(values, factor): at most ``limit`` values, each the mean (or max) of ``factor`` consecutive ones, gaps ignored."""
    if len(values) <= limit:
        return list(values), 1
    factor = int(math.ceil(len(values) / float(limit)))
    result = []
    for index in range(0, len(values), factor):
        chunk = [value for value in values[index:index + factor] if value is not None]
        if not chunk:
            result.append(None)
        elif how == "max":
            result.append(max(chunk))
        else:
            result.append(sum(chunk) / len(chunk))
    return result, factor


def _prepared(chart):
    """Panels with downsampled series and their common step in seconds."""
    panels = []
    factor = 1
    for panel in chart["panels"]:
        series = []
        for item in panel["series"]:
            values, factor = downsample(item["values"], how="max" if item.get("step") else "mean")
            series.append(dict(item, values=values))
        panels.append(dict(panel, series=series))
    return panels, chart.get("step", 60) * factor


# ---------------------------------------------------------------- the chart of a replay

def _thresholds(setting, key, label):
    """The dashed lines of one policy's rules on the metric series ``key`` (one per distinct threshold)."""
    lines = []
    for profile in setting["profiles"] if setting else []:
        for rule in profile["rules"]:
            if rule.get("divide_per_instance") or _engine.series_key(
                    rule["metric_resource_uri"], rule["metric_name"], rule.get("dimensions")) != key:
                continue
            sign = _engine.OPERATOR_SIGNS.get(rule["operator"], "?")
            direction = "out" if rule["direction"] == "Increase" else "in"
            line = {"label": "{0}: {1} {2} {3:g}".format(label, direction, sign, float(rule["threshold"])),
                    "value": float(rule["threshold"]), "color": COLORS[label]}
            if line["label"] not in [item["label"] for item in lines]:
                lines.append(line)
    return lines


def window_values(series, aggregation, start_minute, minutes):
    """One value (or None) per minute of the window from a fetched series."""
    if not series:
        return [None] * minutes
    values = series["values"].get(aggregation) or next(iter(series["values"].values()), [])
    offset = start_minute - series["start"] // 60
    return [values[offset + index] if 0 <= offset + index < len(values) else None for index in range(minutes)]


def _metric_panel(entry, window, metrics, settings):
    aggregation = entry["aggregations"][0]
    lines = [line for label, setting in settings.items() for line in _thresholds(setting, entry["key"], label)]
    recorded = window_values(metrics.get(entry["key"]), aggregation, *window)
    return {"title": "{0} ({1}, per-minute {2}, as recorded)".format(entry["metric_name"], entry["role"], aggregation),
            "series": [{"label": "recorded", "values": recorded, "color": COLORS["recorded"]}], "lines": lines}


def _slo_panel(slo, replays):
    series = [{"label": label, "values": result["series"]["slo"], "color": COLORS[label]} for label, result in replays.items()]
    return {"title": "SLO: {0} {1} ({2}) as each policy would see it".format(slo["metric_name"], slo["aggregation"], slo["role"]),
            "series": series, "lines": [{"label": "SLO {0:g}".format(slo["threshold"]), "value": slo["threshold"], "color": COLORS["slo"]}]}


def _instances_panel(window, replays, observed):
    counts = [{"label": label, "values": result["series"]["instances"], "color": COLORS[label], "step": True}
              for label, result in replays.items()]
    if observed:
        counts.insert(0, {"label": "recorded", "values": window_values(observed, "Average", *window),
                          "color": COLORS["recorded"], "step": True})
    return {"title": "Instances", "series": counts, "lines": []}


def build_chart(title, window, replay_inputs, replays, slo=None):
    """The chart of replays ({label: result}); ``window`` is (first minute, minutes); ``replay_inputs`` is
    (needed series, fetched metrics, {label: setting}, observed capacity or None)."""
    needed, metrics, settings, observed = replay_inputs
    panels = [_metric_panel(entry, window, metrics, settings) for entry in needed[:4]]
    if slo:
        panels.append(_slo_panel(slo, replays))
    panels.append(_instances_panel(window, replays, observed))
    labels = list(replays)
    rows = [[key] + [replays[label]["summary"].get(key) for label in labels] for key in _engine.COMPARED_FIGURES]
    return {"title": title, "start": window[0] * 60, "step": 60, "panels": panels,
            "table": {"columns": ["figure"] + labels, "rows": rows}}


def add_recorded_actions(chart, actions):
    """Overlay the scale actions autoscale recorded ((epoch minute, direction, from, to)) on the instances panel."""
    panel = chart["panels"][-1]
    panel["markers"] = [{"time": minute * 60, "value": after, "marker": MARKERS.get(way, "o"), "color": COLORS["history"],
                         "label": "recorded action"} for minute, way, _before, after in actions]


# ---------------------------------------------------------------- drawing (matplotlib)

def _pyplot():
    try:
        import matplotlib  # pylint: disable=import-outside-toplevel
        matplotlib.use("Agg")
        from matplotlib import dates  # pylint: disable=import-outside-toplevel
        from matplotlib import pyplot  # pylint: disable=import-outside-toplevel
    except ImportError as exc:
        raise ChartError("drawing a chart needs matplotlib ({0})".format(exc), missing="matplotlib") from exc
    return pyplot, dates


def _draw_panel(axis, panel, start, step):
    for item in panel["series"]:
        times = [datetime.datetime.fromtimestamp(start + index * step, datetime.timezone.utc) for index in range(len(item["values"]))]
        values = [float("nan") if value is None else value for value in item["values"]]
        if item.get("step"):
            axis.step(times, values, where="post", color=item.get("color"), linewidth=1.8, label=item["label"])
        else:
            axis.plot(times, values, color=item.get("color"), linewidth=0.8, label=item["label"])
    labelled = set()
    for marker in panel.get("markers") or []:
        label = marker["label"] if marker["label"] not in labelled else None
        labelled.add(marker["label"])
        axis.scatter([datetime.datetime.fromtimestamp(marker["time"], datetime.timezone.utc)], [marker["value"]], marker=marker["marker"],
                     color=marker["color"], s=36, zorder=5, label=label)
    for line in panel.get("lines") or []:
        axis.axhline(line["value"], color=line.get("color", "#999"), linestyle="--", linewidth=1, label=line["label"])
    axis.set_title(panel["title"], loc="left", fontsize=10)
    axis.grid(True, color="#eee")
    axis.legend(loc="upper right", fontsize=8, ncol=3)


def _render(chart, image_format, with_title):
    """The chart's figure as ``image_format`` (png or svg) bytes."""
    pyplot, dates = _pyplot()
    panels, step = _prepared(chart)
    figure, axes = pyplot.subplots(len(panels), 1, figsize=(14, 2.8 * len(panels) + 0.6), sharex=True, squeeze=False)
    try:
        for axis, panel in zip(axes[:, 0], panels):
            _draw_panel(axis, panel, chart["start"], step)
        locator = dates.AutoDateLocator(tz=datetime.timezone.utc)
        axes[-1, 0].xaxis.set_major_locator(locator)
        axes[-1, 0].xaxis.set_major_formatter(dates.ConciseDateFormatter(locator, tz=datetime.timezone.utc))
        axes[-1, 0].set_xlabel("UTC")
        if with_title:
            figure.suptitle(chart["title"], fontsize=12)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format=image_format, dpi=90, metadata={"Date": None} if image_format == "svg" else None)
    finally:
        pyplot.close(figure)
    return buffer.getvalue()


def write_png(path, chart):
    """Write the figure as a PNG."""
    data = _render(chart, "png", with_title=True)
    with open(path, "wb") as handle:
        handle.write(data)


def _table_html(table):
    header = "".join("<th>{0}</th>".format(html.escape(str(column))) for column in table["columns"])
    rows = ["<tr>{0}</tr>".format("".join("<td>{0}</td>".format(html.escape("" if cell is None else str(cell))) for cell in row))
            for row in table["rows"]]
    return "<table><tr>{0}</tr>\n{1}</table>".format(header, "\n".join(rows))


def render_html(chart):
    """A self-contained page: the title, the table of figures, then the figure as inline SVG."""
    svg = _render(chart, "svg", with_title=False).decode("utf-8")
    svg = svg[svg.index("<svg"):]
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>{0}</title>".format(html.escape(chart["title"])),
             "<style>body{font-family:sans-serif;margin:20px;color:#222}table{border-collapse:collapse;margin:12px 0}"
             "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}"
             "svg{display:block;max-width:100%;height:auto}</style></head><body>",
             "<h1>{0}</h1>".format(html.escape(chart["title"]))]
    if chart.get("table"):
        parts.append(_table_html(chart["table"]))
    parts.extend(['<figure id="charts">', svg, "</figure>", "</body></html>"])
    return "\n".join(parts)


def write_html(path, chart):
    """Write the HTML page."""
    page = render_html(chart)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(page)
