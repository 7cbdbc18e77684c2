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

write_html() needs nothing but the standard library (inline SVG, no scripts); write_png() imports matplotlib (Agg) on
first use and raises ChartError naming the missing library.
"""

from __future__ import annotations

import datetime
import html
import math

MAX_POINTS = 1500
COLORS = {"recorded": "#7f8c8d", "current": "#1f77b4", "proposed": "#d62728", "slo": "#2ca02c"}


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


# ---------------------------------------------------------------- HTML (inline SVG)

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 1100, 230, 60, 16, 24, 28


def _bounds(panel):
    numbers = [value for item in panel["series"] for value in item["values"] if value is not None]
    numbers += [line["value"] for line in panel.get("lines") or []]
    if not numbers:
        return 0.0, 1.0
    low, high = min(numbers + [0.0]), max(numbers)
    if high <= low:
        high = low + 1.0
    return low, high + (high - low) * 0.08


def _svg_panel(panel, start, step, length):
    low, high = _bounds(panel)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(index):
        return LEFT + inner_w * index / float(max(1, length - 1))

    def y_of(value):
        return TOP + inner_h * (1 - (value - low) / (high - low))

    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}" role="img">'.format(WIDTH, HEIGHT),
             '<title>{0}</title>'.format(html.escape(panel["title"])),
             '<text x="{0}" y="16" font-size="13" font-weight="bold">{1}</text>'.format(LEFT, html.escape(panel["title"])),
             '<rect x="{0}" y="{1}" width="{2}" height="{3}" fill="none" stroke="#ccc"/>'.format(LEFT, TOP, inner_w, inner_h)]
    for fraction in (0.0, 0.25, 0.5, 0.75, 1.0):
        value = low + (high - low) * fraction
        y = y_of(value)
        parts.append('<line x1="{0}" x2="{1}" y1="{2:.1f}" y2="{2:.1f}" stroke="#eee"/>'.format(LEFT, WIDTH - RIGHT, y))
        parts.append('<text x="{0}" y="{1:.1f}" font-size="10" text-anchor="end">{2:.4g}</text>'.format(LEFT - 4, y + 3, value))
    day = 86400 // step if step else 0
    first_day = (-(start % 86400) // step) % day if day else 0
    for index in range(first_day, length, day or length + 1):
        moment = datetime.datetime.fromtimestamp(start + index * step, datetime.timezone.utc)
        x = x_of(index)
        parts.append('<line x1="{0:.1f}" x2="{0:.1f}" y1="{1}" y2="{2}" stroke="#eee"/>'.format(x, TOP, HEIGHT - BOTTOM))
        parts.append('<text x="{0:.1f}" y="{1}" font-size="10" text-anchor="middle">{2}</text>'.format(
            x, HEIGHT - BOTTOM + 14, moment.strftime("%a %d %b")))
    for line in panel.get("lines") or []:
        y = y_of(line["value"])
        parts.append('<line x1="{0}" x2="{1}" y1="{2:.1f}" y2="{2:.1f}" stroke="{3}" stroke-dasharray="6 4"><title>{4}</title></line>'.format(
            LEFT, WIDTH - RIGHT, y, line.get("color", "#999"), html.escape(line["label"])))
    legend_x = LEFT + 260
    for item in panel["series"]:
        color = item.get("color", "#333")
        segments, current = [], []
        for index, value in enumerate(item["values"]):
            if value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            if item.get("step") and current:
                current.append("{0:.1f},{1:.1f}".format(x_of(index), float(current[-1].split(",")[1])))
            current.append("{0:.1f},{1:.1f}".format(x_of(index), y_of(value)))
        if current:
            segments.append(current)
        for segment in segments:
            parts.append('<polyline fill="none" stroke="{0}" stroke-width="{1}" points="{2}"/>'.format(
                color, 2 if item.get("step") else 1, " ".join(segment)))
        parts.append('<rect x="{0}" y="7" width="12" height="3" fill="{1}"/><text x="{2}" y="12" font-size="11">{3}</text>'.format(
            legend_x, color, legend_x + 16, html.escape(item["label"])))
        legend_x += 24 + 7 * len(item["label"])
    for line in panel.get("lines") or []:
        parts.append('<rect x="{0}" y="7" width="12" height="1" fill="{1}"/><text x="{2}" y="12" font-size="11" fill="{1}">{3}</text>'.format(
            legend_x, line.get("color", "#999"), legend_x + 16, html.escape(line["label"])))
        legend_x += 24 + 6 * len(line["label"])
    parts.append("</svg>")
    return "\n".join(parts)


def render_html(chart):
    """A self-contained HTML page: the table, then one inline SVG per panel."""
    panels, step = _prepared(chart)
    length = max([len(item["values"]) for panel in panels for item in panel["series"]] or [1])
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>{0}</title>".format(html.escape(chart["title"])),
             "<style>body{font-family:sans-serif;margin:20px;color:#222}table{border-collapse:collapse;margin:12px 0}"
             "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}"
             "svg{display:block;margin:8px 0}</style></head><body>",
             "<h1>{0}</h1>".format(html.escape(chart["title"]))]
    for line in chart.get("notes") or []:
        parts.append("<p>{0}</p>".format(html.escape(line)))
    table = chart.get("table")
    if table:
        parts.append("<table><tr>{0}</tr>".format("".join("<th>{0}</th>".format(html.escape(str(col))) for col in table["columns"])))
        for row in table["rows"]:
            parts.append("<tr>{0}</tr>".format("".join("<td>{0}</td>".format(html.escape("" if cell is None else str(cell))) for cell in row)))
        parts.append("</table>")
    for panel in panels:
        parts.append(_svg_panel(panel, chart["start"], step, length))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html(path, chart):
    """Write the HTML page."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(render_html(chart))


# ---------------------------------------------------------------- PNG (matplotlib)

def write_png(path, chart):
    """Write a PNG with matplotlib's Agg backend (imported here, so only when a PNG is asked for)."""
    try:
        import matplotlib  # pylint: disable=import-outside-toplevel
        matplotlib.use("Agg")
        from matplotlib import dates as mdates  # pylint: disable=import-outside-toplevel
        from matplotlib import pyplot  # pylint: disable=import-outside-toplevel
    except ImportError as exc:
        raise ChartError("writing a PNG needs matplotlib ({0})".format(exc), missing="matplotlib") from exc
    panels, step = _prepared(chart)
    figure, axes = pyplot.subplots(len(panels), 1, figsize=(14, 2.8 * len(panels) + 0.6), sharex=True, squeeze=False)
    try:
        for axis, panel in zip(axes[:, 0], panels):
            for item in panel["series"]:
                times = [datetime.datetime.fromtimestamp(chart["start"] + index * step, datetime.timezone.utc)
                         for index in range(len(item["values"]))]
                values = [float("nan") if value is None else value for value in item["values"]]
                if item.get("step"):
                    axis.step(times, values, where="post", color=item.get("color"), linewidth=1.8, label=item["label"])
                else:
                    axis.plot(times, values, color=item.get("color"), linewidth=0.8, label=item["label"])
            for line in panel.get("lines") or []:
                axis.axhline(line["value"], color=line.get("color", "#999"), linestyle="--", linewidth=1, label=line["label"])
            axis.set_title(panel["title"], loc="left", fontsize=10)
            axis.grid(True, color="#eee")
            axis.legend(loc="upper right", fontsize=8, ncol=3)
        locator = mdates.AutoDateLocator(tz=datetime.timezone.utc)
        axes[-1, 0].xaxis.set_major_locator(locator)
        axes[-1, 0].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=datetime.timezone.utc))
        axes[-1, 0].set_xlabel("UTC")
        figure.suptitle(chart["title"], fontsize=12)
        figure.tight_layout()
        figure.savefig(path, dpi=90)
    finally:
        pyplot.close(figure)
