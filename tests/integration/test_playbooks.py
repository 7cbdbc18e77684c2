# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the shipped playbooks against the ARM emulator.

``playbooks/seed_walkthrough.yml`` must converge in one run, change nothing on the second (PLAY RECAP
``changed=0`` and no autoscale-setting write in the emulator's request log), and leave no setting behind
when run in full (its ``toggle`` and ``delete`` tags included).

The walkthrough runs on rg-ml-dev/ws-dev/ep-fraud-dev/blue. The integration targets that use that
deployment (autoscale_auth) run after this module, one at a time, and this test removes what it creates.
"""

from __future__ import annotations

import json
import os
import re
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import venv_tool  # pylint: disable=import-error

COLLECTION_ROOT = Path(__file__).resolve().parents[2]
PLAYBOOK = COLLECTION_ROOT / 'playbooks' / 'seed_walkthrough.yml'
OUTPUT_DIR = COLLECTION_ROOT / 'tests' / 'output' / 'integration'
TIMEOUT = int(os.environ.get('INTEGRATION_TARGET_TIMEOUT', '900'))

WALKTHROUGH_TARGET = {
    'resource_group': 'rg-ml-dev',
    'workspace': 'ws-dev',
    'endpoint': 'ep-fraud-dev',
    'deployment': 'blue',
}
SETTING_NAME = 'autoscale-ep-fraud-dev-blue'
API_VERSION = '2022-10-01'
AUTOSCALE_PATH = re.compile(r'/providers/microsoft\.insights/autoscalesettings', re.IGNORECASE)
WRITE_METHODS = ('PUT', 'PATCH', 'DELETE')
RECAP = re.compile(r'^localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.MULTILINE)


def _autoscale_writes(emulator) -> list:
    """PUT/PATCH/DELETE requests on autoscale settings in the emulator's log."""
    return [entry for entry in emulator.requests()
            if entry['method'] in WRITE_METHODS and AUTOSCALE_PATH.search(entry['path'])]


class _Runner:
    """Runs the walkthrough with the harness's environment and keeps each run's output."""

    def __init__(self, env, tmp_path):
        self.env = env
        self.tmp_path = tmp_path
        self.inventory = tmp_path / 'inventory.ini'
        self.inventory.write_text(
            f'localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n', encoding='utf-8')

    def run(self, label: str, *extra: str) -> tuple[str, dict]:
        command = [venv_tool('ansible-playbook'), '-i', str(self.inventory), str(PLAYBOOK)]
        for key, value in WALKTHROUGH_TARGET.items():
            command += ['-e', f'{key}={value}']
        command += list(extra)
        started = time.monotonic()
        result = subprocess.run(
            command, env=self.env, cwd=str(self.tmp_path), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT, check=False,
        )
        elapsed = time.monotonic() - started
        OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
        (OUTPUT_DIR / f'playbook-seed_walkthrough-{label}.log').write_text(
            f'$ {" ".join(command)}\n# rc={result.returncode} elapsed={elapsed:.1f}s\n{result.stdout}', encoding='utf-8')
        assert result.returncode == 0, f'seed_walkthrough ({label}) failed (rc={result.returncode}):\n{result.stdout}'
        recaps = RECAP.findall(result.stdout)
        assert len(recaps) == 1, f'no PLAY RECAP for localhost in ({label}):\n{result.stdout}'
        ok, changed, unreachable, failed = (int(value) for value in recaps[0])
        return result.stdout, {'ok': ok, 'changed': changed, 'unreachable': unreachable, 'failed': failed}


class _Rest:
    """Direct ARM calls with an emulator-minted token for the writer principal."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.context = ssl.create_default_context(cafile=emulator.env['REQUESTS_CA_BUNDLE'])
        self.url = (f"{emulator.base_url}/subscriptions/{emulator.env['AZURE_SUBSCRIPTION_ID']}/resourceGroups/"
                    f"{WALKTHROUGH_TARGET['resource_group']}/providers/Microsoft.Insights/autoscalesettings")

    def call(self, method: str, name: str = '') -> tuple[int, object]:
        url = f'{self.url}/{name}' if name else self.url
        request = urllib.request.Request(f'{url}?api-version={API_VERSION}', method=method, headers={
            'Authorization': f'Bearer {self.emulator.token()}'})
        try:
            with urllib.request.urlopen(request, context=self.context, timeout=30) as response:
                body = response.read()
                return response.status, json.loads(body) if body else None
        except urllib.error.HTTPError as error:
            body = error.read()
            return error.code, json.loads(body) if body else None

    def settings_for_target(self) -> list:
        status, body = self.call('GET')
        assert status == 200, body
        suffix = ('/workspaces/{workspace}/onlineEndpoints/{endpoint}/deployments/{deployment}'
                  .format(**WALKTHROUGH_TARGET).lower())
        return [item for item in body.get('value', [])
                if item['properties']['targetResourceUri'].lower().endswith(suffix)]


@pytest.fixture
def walkthrough_cleanup(emulator):
    """Whatever happens in the test, leave no autoscale setting on the walkthrough's deployment."""
    rest = _Rest(emulator)
    yield rest
    for item in rest.settings_for_target():
        rest.call('DELETE', item['name'])


def test_seed_walkthrough_is_idempotent_and_cleans_up(emulator, integration_env, tmp_path, walkthrough_cleanup):
    """Converge, re-run without change or write, then run in full and leave no setting."""
    rest = walkthrough_cleanup
    runner = _Runner(integration_env, tmp_path)
    assert rest.settings_for_target() == [], 'the walkthrough deployment already has an autoscale setting'

    emulator.clear_requests()
    _rc, first = runner.run('first', '--skip-tags', 'toggle,delete')
    assert first['changed'] > 0, 'the first run changed nothing'
    assert _autoscale_writes(emulator), 'the first run wrote no autoscale setting'
    settings = rest.settings_for_target()
    assert [item['name'] for item in settings] == [SETTING_NAME]

    emulator.clear_requests()
    output, second = runner.run('second', '--skip-tags', 'toggle,delete')
    assert second['changed'] == 0, f'the second run changed something:\n{output}'
    assert _autoscale_writes(emulator) == [], 'the second run wrote to Azure'

    emulator.clear_requests()
    _rc, full = runner.run('full')
    assert full['changed'] >= 3, 'the full run should disable, enable and delete'
    writes = _autoscale_writes(emulator)
    assert [entry['method'] for entry in writes] == ['PUT', 'PUT', 'DELETE'], writes
    assert writes[-1]['path'].endswith(f'/{SETTING_NAME}')
    assert writes[-1]['status'] in (200, 204)

    status, _body = rest.call('GET', SETTING_NAME)
    assert status == 404
    assert rest.settings_for_target() == []
