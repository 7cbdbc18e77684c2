# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""autoscale_simulate's HTML page in a real browser: Debian's chromium, headless, driven by Playwright.

The page is written by a playbook against the emulator (current and proposed policy over two days of its seeded
metric history). The browser must load it without a console error, a page error or a failed request, show the table
of figures and the inline SVG figure, and a screenshot must show the drawn series in the policies' colours.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from matplotlib import image

from conftest import OUTPUT_DIR, venv_tool  # pylint: disable=import-error

# The colours _chart gives the series (current blue, proposed red), as 8-bit RGB.
POLICY_COLOURS = {'current': (0x1F, 0x77, 0xB4), 'proposed': (0xD6, 0x27, 0x28)}

PLAYBOOK = """\
- name: Write the simulation page
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/mlops.autoscale.azure: {resource_group: rg-ml-prod, workspace: ws-prod, endpoint: ep-fraud, deployment: blue}
  tasks:
    - name: Current policy
      mlops.autoscale.autoscale_state:
        profiles:
          - name: default
            capacity: {minimum: 1, maximum: 5, default: 2}
            rules:
              - {metric_name: CpuUtilizationPercentage, operator: GreaterThan, threshold: 70, direction: Increase}
              - {metric_name: CpuUtilizationPercentage, operator: LessThan, threshold: 30, direction: Decrease}
    - name: Replay it and a proposed policy
      mlops.autoscale.autoscale_simulate:
        window: 2d
        end: "2030-03-04T12:00:00Z"
        proposed:
          capacity: {minimum: 2, maximum: 8, default: 3}
          rules:
            - {metric_name: CpuUtilizationPercentage, operator: GreaterThan, threshold: 60, direction: Increase, value: 2}
            - {metric_name: CpuUtilizationPercentage, operator: LessThan, threshold: 25, direction: Decrease}
        slo: {metric_name: CpuUtilizationPercentage, threshold: 80}
        html_path: "{{ page }}"
    - name: Remove the current policy
      mlops.autoscale.autoscale_state:
        state: absent
"""


def _chromium() -> str:
    found = shutil.which('chromium') or shutil.which('chromium-browser')
    if not found:
        pytest.fail("Debian's chromium is not installed (`make chromium` installs it)")
    return found


@pytest.fixture(scope='module')
def page_file(integration_env, tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp('simulation-page')
    (work / 'page.yml').write_text(PLAYBOOK, encoding='utf-8')
    page = work / 'simulation.html'
    result = subprocess.run([venv_tool('ansible-playbook'), 'page.yml', '-e', f'page={page}'], env=integration_env, cwd=str(work),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600,
                            check=False)
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUTPUT_DIR / 'simulation-page.log').write_text(result.stdout, encoding='utf-8')
    assert result.returncode == 0, result.stdout[-10000:]
    return page


def _open(page_path: Path, screenshot: Path) -> dict:
    from playwright.sync_api import sync_playwright  # pylint: disable=import-outside-toplevel

    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), headless=True, args=['--no-sandbox'])
        try:
            page = browser.new_page(viewport={'width': 1400, 'height': 1000})
            page.on('console', lambda message: problems.append(f'console {message.type}: {message.text}')
                    if message.type in ('error', 'warning') else None)
            page.on('pageerror', lambda error: problems.append(f'page error: {error}'))
            page.on('requestfailed', lambda request: problems.append(f'request failed: {request.url}'))
            page.goto(page_path.as_uri(), wait_until='load')
            seen = page.evaluate("""() => ({
                title: document.title,
                rows: document.querySelectorAll('table tr').length,
                charts: [...document.querySelectorAll('figure svg')].map(svg => {
                    const box = svg.getBoundingClientRect();
                    return {width: box.width, height: box.height, paths: svg.querySelectorAll('path').length};
                }),
                scripts: document.scripts.length,
            })""")
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return dict(seen, problems=problems)


def _share_of(pixels, colour, tolerance=12) -> float:
    """The share of the screenshot's pixels within ``tolerance`` (per channel, 8-bit) of ``colour``."""
    rgb = (pixels[:, :, :3] * 255).round()
    close = (abs(rgb - colour) <= tolerance).all(axis=2)
    return float(close.mean())


def test_the_page_loads_cleanly_and_draws_its_charts(page_file, tmp_path):
    screenshot = tmp_path / 'page.png'
    seen = _open(page_file, screenshot)
    assert seen['problems'] == []
    assert seen['title'].startswith('Autoscale simulation: ep-fraud/blue')
    assert seen['scripts'] == 0
    assert seen['rows'] >= 11  # the header and one row per compared figure
    assert len(seen['charts']) == 1
    chart = seen['charts'][0]
    assert chart['width'] > 800 and chart['height'] > 600 and chart['paths'] > 20
    pixels = image.imread(str(screenshot))
    shutil.copy(screenshot, OUTPUT_DIR / 'simulation-page.png')
    assert _share_of(pixels, (255, 255, 255)) < 0.97, 'the screenshot is blank'
    for label, colour in POLICY_COLOURS.items():
        assert _share_of(pixels, colour) > 0.0005, f'no {label} series drawn'
