# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the shipped playbooks against the ARM emulator.

``playbooks/seed_walkthrough.yml`` must converge in one run, change nothing on the second (PLAY RECAP
``changed=0`` and no autoscale-setting write in the emulator's request log), and leave no setting behind
when run in full (its ``toggle``, ``manual`` and ``delete`` tags included).

``playbooks/prune_orphans.yml`` must list the settings whose deployment is gone under ``--check`` without a
write, and delete those and nothing else in a real run.

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
DEPLOYMENT_PATH = re.compile(r'/onlineEndpoints/[^/]+/deployments/[^/]+$', re.IGNORECASE)
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
    _rc, first = runner.run('first', '--skip-tags', 'toggle,manual,delete')
    assert first['changed'] > 0, 'the first run changed nothing'
    assert _autoscale_writes(emulator), 'the first run wrote no autoscale setting'
    settings = rest.settings_for_target()
    assert [item['name'] for item in settings] == [SETTING_NAME]

    emulator.clear_requests()
    output, second = runner.run('second', '--skip-tags', 'toggle,manual,delete')
    assert second['changed'] == 0, f'the second run changed something:\n{output}'
    assert _autoscale_writes(emulator) == [], 'the second run wrote to Azure'

    emulator.clear_requests()
    _rc, full = runner.run('full')
    assert full['changed'] >= 5, 'the full run should disable, enable, scale manually, hand back and delete'
    writes = _autoscale_writes(emulator)
    # disable, enable; manual scale disables (then one deployment update), custom autoscale enables; delete
    assert [entry['method'] for entry in writes] == ['PUT', 'PUT', 'PUT', 'PUT', 'DELETE'], writes
    updates = [entry for entry in emulator.requests() if entry['method'] == 'PUT' and DEPLOYMENT_PATH.search(entry['path'])]
    assert len(updates) <= 1, updates
    assert writes[-1]['path'].endswith(f'/{SETTING_NAME}')
    assert writes[-1]['status'] in (200, 204)

    status, _body = rest.call('GET', SETTING_NAME)
    assert status == 404
    assert rest.settings_for_target() == []


PRUNE_PLAYBOOK = COLLECTION_ROOT / 'playbooks' / 'prune_orphans.yml'
ML_API_VERSION = '2023-04-01-preview'


def _arm(emulator, method: str, path: str, api_version: str, body=None) -> tuple[int, object]:
    """One ARM call with a token of the writer principal."""
    context = ssl.create_default_context(cafile=emulator.env['REQUESTS_CA_BUNDLE'])
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f'{emulator.base_url}{path}?api-version={api_version}', data=data, method=method, headers={
        'Authorization': f'Bearer {emulator.token()}', 'Content-Type': 'application/json'})
    try:
        with urllib.request.urlopen(request, context=context, timeout=30) as response:
            payload = response.read()
            return response.status, json.loads(payload) if payload else None
    except urllib.error.HTTPError as error:
        payload = error.read()
        return error.code, json.loads(payload) if payload else None


def _run_prune(integration_env, tmp_path, label: str, *extra: str) -> str:
    inventory = tmp_path / 'inventory.ini'
    inventory.write_text(f'localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n', encoding='utf-8')
    command = [venv_tool('ansible-playbook'), '-i', str(inventory), str(PRUNE_PLAYBOOK), *extra]
    result = subprocess.run(command, env=integration_env, cwd=str(tmp_path), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT, check=False)
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUTPUT_DIR / f'playbook-prune_orphans-{label}.log').write_text(f'$ {" ".join(command)}\n{result.stdout}', encoding='utf-8')
    assert result.returncode == 0, f'prune_orphans ({label}) failed:\n{result.stdout}'
    return result.stdout


def test_prune_orphans_deletes_only_orphaned_settings(emulator, integration_env, tmp_path):
    """Two retired deployments in two resource groups leave settings behind; a live deployment's setting stays."""
    sub = emulator.env['AZURE_SUBSCRIPTION_ID']
    deployments = {
        'rg-ml-prod': f'/subscriptions/{sub}/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/ws-prod'
                      '/onlineEndpoints/ep-fraud/deployments/retired',
        'rg-ml-dev': f'/subscriptions/{sub}/resourceGroups/rg-ml-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev'
                     '/onlineEndpoints/ep-fraud-dev/deployments/retired',
    }
    live = f'/subscriptions/{sub}/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/ws-prod' \
           '/onlineEndpoints/ep-fraud/deployments/green'
    settings = {}
    for group, target in list(deployments.items()) + [('rg-ml-prod', live)]:
        location = 'eastus' if group == 'rg-ml-prod' else 'westeurope'
        if target != live:
            assert _arm(emulator, 'PUT', target, ML_API_VERSION, {'location': location, 'sku': {'capacity': 1}})[0] in (200, 201)
        name = 'prune-' + group + '-' + target.rsplit('/', 1)[1]
        path = f'/subscriptions/{sub}/resourceGroups/{group}/providers/microsoft.insights/autoscalesettings/{name}'
        body = {'location': location, 'properties': {'enabled': True, 'targetResourceUri': target, 'profiles': [
            {'name': 'default', 'capacity': {'minimum': '1', 'maximum': '2', 'default': '1'}, 'rules': []}]}}
        assert _arm(emulator, 'PUT', path, API_VERSION, body)[0] in (200, 201)
        settings[target] = path
    try:
        for target in deployments.values():
            assert _arm(emulator, 'DELETE', target, ML_API_VERSION)[0] in (200, 202, 204)

        emulator.clear_requests()
        listed = _run_prune(integration_env, tmp_path, 'check', '--check', '-e', 'resource_group=rg-ml-prod')
        assert _autoscale_writes(emulator) == [], 'prune_orphans --check wrote to Azure'
        assert 'rg-ml-prod/prune-rg-ml-prod-retired' in listed and 'prune-rg-ml-dev-retired' not in listed
        assert 'prune-rg-ml-prod-green' not in listed.split('Name them', 1)[1]

        emulator.clear_requests()
        _run_prune(integration_env, tmp_path, 'rg-ml-prod', '-e', 'resource_group=rg-ml-prod')
        writes = _autoscale_writes(emulator)
        assert [(entry['method'], entry['path'].rsplit('/', 1)[1]) for entry in writes] == [('DELETE', 'prune-rg-ml-prod-retired')]
        assert _arm(emulator, 'GET', settings[deployments['rg-ml-dev']], API_VERSION)[0] == 200, 'outside -e resource_group'
        assert _arm(emulator, 'GET', settings[live], API_VERSION)[0] == 200, 'a live deployment lost its setting'

        emulator.clear_requests()
        _run_prune(integration_env, tmp_path, 'all')
        assert [entry['path'].rsplit('/', 1)[1] for entry in _autoscale_writes(emulator)] == ['prune-rg-ml-dev-retired']
        assert _arm(emulator, 'GET', settings[live], API_VERSION)[0] == 200
    finally:
        for path in settings.values():
            _arm(emulator, 'DELETE', path, API_VERSION)


FLEET_PLAYBOOK = COLLECTION_ROOT / 'playbooks' / 'configure_fleet.yml'
EXAMPLE_INVENTORY = COLLECTION_ROOT / 'playbooks' / 'inventory'
FROZEN_HOST = 'ws-prod.ep-fraud.green'


def _run_fleet(integration_env, tmp_path, label: str, *extra: str) -> dict:
    command = [venv_tool('ansible-playbook'), '-i', str(EXAMPLE_INVENTORY), str(FLEET_PLAYBOOK), '--limit', FROZEN_HOST,
               '-e', f'ansible_python_interpreter={sys.executable}', *extra]
    result = subprocess.run(command, env=integration_env, cwd=str(tmp_path), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT, check=False)
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUTPUT_DIR / f'playbook-configure_fleet-{label}.log').write_text(f'$ {" ".join(command)}\n{result.stdout}', encoding='utf-8')
    assert result.returncode == 0, f'configure_fleet ({label}) failed:\n{result.stdout}'
    recap = re.search(rf'^{re.escape(FROZEN_HOST)}\s*:\s*ok=(\d+)\s+changed=(\d+)', result.stdout, re.MULTILINE)
    return {'changed': int(recap.group(2)), 'output': result.stdout}


def test_the_role_freezes_and_releases_a_deployment(emulator, integration_env, tmp_path):
    """Manual mode from the command line with --limit: autoscale off and the count pinned; the default mode releases it."""
    sub = emulator.env['AZURE_SUBSCRIPTION_ID']
    setting = f'/subscriptions/{sub}/resourceGroups/rg-ml-prod/providers/microsoft.insights/autoscalesettings/autoscale-ep-fraud-green'
    deployment = (f'/subscriptions/{sub}/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/ws-prod'
                  '/onlineEndpoints/ep-fraud/deployments/green')
    freeze = ('-e', 'endpoint_autoscale_mode=manual', '-e', 'endpoint_autoscale_instance_count=2')
    try:
        _run_fleet(integration_env, tmp_path, 'converge')
        assert _arm(emulator, 'GET', setting, API_VERSION)[1]['properties']['enabled'] is True

        emulator.clear_requests()
        assert _run_fleet(integration_env, tmp_path, 'freeze', *freeze)['changed'] == 1
        updates = [entry for entry in emulator.requests() if entry['method'] == 'PUT' and DEPLOYMENT_PATH.search(entry['path'])]
        assert [entry['method'] for entry in _autoscale_writes(emulator)] == ['PUT'] and len(updates) == 1
        assert _arm(emulator, 'GET', setting, API_VERSION)[1]['properties']['enabled'] is False
        assert _arm(emulator, 'GET', deployment, ML_API_VERSION)[1]['sku']['capacity'] == 2

        emulator.clear_requests()
        assert _run_fleet(integration_env, tmp_path, 'freeze-again', *freeze)['changed'] == 0
        assert [entry for entry in emulator.requests() if entry['method'] in WRITE_METHODS] == []

        emulator.clear_requests()
        assert _run_fleet(integration_env, tmp_path, 'release')['changed'] == 1
        assert [entry['method'] for entry in _autoscale_writes(emulator)] == ['PUT']
        assert not [entry for entry in emulator.requests() if entry['method'] == 'PUT' and DEPLOYMENT_PATH.search(entry['path'])]
        assert _arm(emulator, 'GET', setting, API_VERSION)[1]['properties']['enabled'] is True
    finally:
        _arm(emulator, 'DELETE', setting, API_VERSION)
        _arm(emulator, 'PUT', deployment, ML_API_VERSION, {'location': 'eastus', 'sku': {'capacity': 1}})


def test_the_role_replays_the_policy_before_its_one_write(emulator, integration_env, tmp_path):
    """endpoint_autoscale_simulate: the role includes simulate.yml, which replays and shows both policies, then converges
    in one write; the result of that write is what the host registered (the fleet report counts it as changed)."""
    sub = emulator.env['AZURE_SUBSCRIPTION_ID']
    setting = f'/subscriptions/{sub}/resourceGroups/rg-ml-prod/providers/microsoft.insights/autoscalesettings/autoscale-ep-fraud-green'
    try:
        _arm(emulator, 'DELETE', setting, API_VERSION)
        emulator.clear_requests()
        run = _run_fleet(integration_env, tmp_path, 'simulate', '-e', json.dumps({'endpoint_autoscale_simulate': True}))
        assert 'TASK [mlops.autoscale.endpoint_autoscale : Replay both policies]' in run['output']
        assert "'proposed_minus_current'" in run['output'] or '"proposed_minus_current"' in run['output']
        assert run['changed'] == 1
        assert [entry['method'] for entry in _autoscale_writes(emulator)] == ['PUT']
        assert _arm(emulator, 'GET', setting, API_VERSION)[0] == 200
    finally:
        _arm(emulator, 'DELETE', setting, API_VERSION)
