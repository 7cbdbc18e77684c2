# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/recommend.yml against the ARM emulator, then configure_fleet.yml on what it wrote.

On rg-ml-dev/ws-dev (one deployment, ep-fraud-dev/blue, with no autoscale setting): the playbook recommends a policy
from three days of the emulator's synthetic history and writes an inventory and recommendations.md;
``configure_fleet.yml -i DIR --check --diff`` shows the setting it would create and writes nothing; applied, it makes
one write, and applied again none. The setting is deleted at the end, whatever happens.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import venv_tool  # pylint: disable=import-error

COLLECTION_ROOT = Path(__file__).resolve().parents[2]
RECOMMEND_PLAYBOOK = COLLECTION_ROOT / 'playbooks' / 'recommend.yml'
FLEET_PLAYBOOK = COLLECTION_ROOT / 'playbooks' / 'configure_fleet.yml'
OUTPUT_DIR = COLLECTION_ROOT / 'tests' / 'output' / 'integration'
TIMEOUT = int(os.environ.get('INTEGRATION_TARGET_TIMEOUT', '900'))
HOST = 'ws-dev.ep-fraud-dev.blue'
SETTING = 'autoscale-ep-fraud-dev-blue'
AUTOSCALE_WRITE = re.compile(r'/providers/microsoft\.insights/autoscalesettings', re.IGNORECASE)


def _run(env, tmp_path, label, *args) -> str:
    result = subprocess.run([venv_tool('ansible-playbook'), *args], env=env, cwd=str(tmp_path), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT, check=False)
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUTPUT_DIR / f'recommend-{label}.log').write_text(result.stdout, encoding='utf-8')
    assert result.returncode == 0, f'{label} failed (rc={result.returncode}):\n{result.stdout}'
    return result.stdout


def _autoscale_writes(emulator) -> list:
    return [entry for entry in emulator.writes() if AUTOSCALE_WRITE.search(entry['path'])]


@pytest.fixture
def arm(emulator):
    """Raw ARM access; the setting the test creates is deleted afterwards."""
    from arm_emulator.testing import ArmClient  # pylint: disable=import-outside-toplevel

    client = ArmClient(emulator)
    assert client.get('rg-ml-dev', SETTING) is None
    yield client
    client.delete('rg-ml-dev', SETTING)


def test_recommend_writes_an_inventory_that_configure_fleet_applies(emulator, integration_env, tmp_path, arm):
    out = tmp_path / 'recommended'
    _run(integration_env, tmp_path, 'playbook', str(RECOMMEND_PLAYBOOK), '-e', f'export_dir={out}', '-e', 'workspace=ws-dev',
         '-e', 'window=3d')

    host_vars = yaml.safe_load((out / 'host_vars' / f'{HOST}.yml').read_text(encoding='utf-8'))
    hosts = yaml.safe_load((out / 'hosts.yml').read_text(encoding='utf-8'))
    table = (out / 'recommendations.md').read_text(encoding='utf-8')
    assert list(hosts['all']['hosts']) == [HOST]
    assert host_vars['endpoint_autoscale_deployment'] == 'blue' and host_vars['endpoint_autoscale_workspace'] == 'ws-dev'
    assert host_vars['endpoint_autoscale_capacity']['minimum'] >= 1
    row = next(line for line in table.splitlines() if line.startswith(f'| {HOST} |'))
    cells = [cell.strip() for cell in row.strip('|').split('|')]
    assert float(cells[1]) > 0 and float(cells[2]) > 0          # instance-hours now and recommended, held out
    assert cells[4].isdigit() and cells[5].isdigit()            # SLO minutes now and recommended

    # The deployment has no setting: --check --diff shows the one the role would create, and writes nothing.
    emulator.clear_requests()
    check = _run(integration_env, tmp_path, 'check', '-i', str(out), str(FLEET_PLAYBOOK), '--check', '--diff')
    assert _autoscale_writes(emulator) == []
    assert re.search(rf'{re.escape(HOST)}\s*:\s*ok=\d+\s+changed=1', check), check
    assert arm.get('rg-ml-dev', SETTING) is None

    # Applied: one write, the recommended capacity; applied again: none.
    emulator.clear_requests()
    _run(integration_env, tmp_path, 'apply', '-i', str(out), str(FLEET_PLAYBOOK))
    assert len(_autoscale_writes(emulator)) == 1
    live = arm.get('rg-ml-dev', SETTING)
    capacity = live['properties']['profiles'][0]['capacity']
    assert int(capacity['minimum']) == host_vars['endpoint_autoscale_capacity']['minimum']
    assert int(capacity['maximum']) == host_vars['endpoint_autoscale_capacity']['maximum']
    emulator.clear_requests()
    _run(integration_env, tmp_path, 'again', '-i', str(out), str(FLEET_PLAYBOOK))
    assert _autoscale_writes(emulator) == []
