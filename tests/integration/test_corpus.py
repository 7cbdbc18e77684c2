# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every setting of tests/corpus, as its producer left it in Azure, through the modules, the role and the simulator.

One ARM emulator holds the whole corpus (corpus.py: each file in its own resource group, PUT through the REST API).
For each file: autoscale_info renders it; autoscale_state given the same policy, autoscale_profile given each of its
profiles and autoscale_rule given each of its rules make no write; autoscale_simulate replays every rule of every
profile as Azure has them, or names the one it approximates. For the whole corpus: playbooks/export_policies.yml then
playbooks/configure_fleet.yml make no write, and a second export is the first one again.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

import corpus  # pylint: disable=import-error
from conftest import OUTPUT_DIR, playbook_env, venv_tool  # pylint: disable=import-error

from ansible_collections.mlops.autoscale.plugins.modules import (
    autoscale_info, autoscale_profile, autoscale_rule, autoscale_simulate, autoscale_state,
)
from ansible_collections.mlops.autoscale.plugins.module_utils._model import role_profile
from ansible_collections.mlops.autoscale.plugins.module_utils._vocabulary import RULE
from ansible_collections.mlops.autoscale.plugins.plugin_utils._export import EMPTY_NOTIFICATIONS
from ansible_collections.mlops.autoscale.tests.unit.plugins.modules.utils import (
    AnsibleExitJson, extract_warnings_texts, forget_cloud, run_module,
)

COLLECTION_ROOT = Path(__file__).resolve().parents[2]
ENTRIES = corpus.load()
IDS = [entry.name for entry in ENTRIES]
REPLAY_END = '2026-03-09T12:00:00Z'


class World:
    """The emulator holding the corpus, a REST client, and each setting as Azure stored it."""

    def __init__(self, emulator, arm):
        self.emulator = emulator
        self.arm = arm
        self.subscription = emulator.env['AZURE_SUBSCRIPTION_ID']
        self.stored = {}
        self.refused = {}

    def seed(self, entry):
        """PUT the file's body, as its producer would; keep what a GET then returns (or why the emulator refused it)."""
        response = self.arm.call('PUT', self.arm.setting_path(entry.resource_group, entry.setting_name), entry.body(self.subscription))
        if response.status_code in (200, 201):
            self.stored[entry.name] = self.arm.get(entry.resource_group, entry.setting_name)
        else:
            self.refused[entry.name] = response.text

    def target_id(self, entry) -> str:
        """The file's target, relocated."""
        return entry.relocate(entry.record['properties']['targetResourceUri'], self.subscription)

    def writes(self) -> list:
        """Write requests since the log was last cleared."""
        return self.emulator.writes()


@pytest.fixture(scope='module')
def world(tmp_path_factory):
    """The emulator with every corpus file seeded."""
    from arm_emulator.seed import default_seed  # pylint: disable=import-outside-toplevel
    from arm_emulator.testing import ArmClient, EmulatorProcess  # pylint: disable=import-outside-toplevel

    work = tmp_path_factory.mktemp('corpus')
    seed_path = work / 'seed.json'
    seed_path.write_text(json.dumps(corpus.seed(ENTRIES, default_seed())), encoding='utf-8')
    emulator = EmulatorProcess.start(work / 'state', seed=seed_path)
    forget_cloud(emulator.env['cloud_name'])
    try:
        result = World(emulator, ArmClient(emulator))
        for entry in ENTRIES:
            result.seed(entry)
        yield result
    finally:
        emulator.stop()
        forget_cloud(emulator.env['cloud_name'])


@pytest.fixture
def run(world, monkeypatch, tmp_path):
    """Run a module in-process against the corpus emulator; afterwards, a setting a test changed is put back."""
    for key, value in world.emulator.client_env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv('HOME', str(tmp_path))
    monkeypatch.setattr(time, 'sleep', lambda _seconds: None)
    world.emulator.clear_requests()

    def _run(module, args):
        kind, result = run_module(module, dict(args))
        assert kind is AnsibleExitJson, result.get('msg')
        return result
    yield _run
    if world.writes():
        for entry in ENTRIES:
            world.arm.put(entry.resource_group, entry.setting_name, entry.body(world.subscription))
    world.emulator.clear_requests()


@pytest.fixture
def entry(world, request):
    """The corpus file of a parametrized test, as Azure accepted it."""
    name = request.node.callspec.params['name']
    assert name not in world.refused, 'the emulator refused the file: {0}'.format(world.refused[name])
    return next(item for item in ENTRIES if item.name == name)


def _info(run, world, entry) -> dict:
    result = run(autoscale_info, {'target_id': world.target_id(entry)})
    assert len(result['autoscale_settings']) == 1, result
    return result['autoscale_settings'][0]


def _notifications(setting):
    block = setting['notifications'] or EMPTY_NOTIFICATIONS
    return {key: block[key] for key in EMPTY_NOTIFICATIONS}


def _assert_no_write(world, result, what):
    assert result['changed'] is False, '{0}: changed; diff: {1}'.format(what, json.dumps(result.get('diff'), indent=1))
    assert world.writes() == [], what


def test_compatibility_page_is_the_corpus():
    """docs/compatibility.md lists every corpus file (make compatibility writes it)."""
    assert (COLLECTION_ROOT / 'docs' / 'compatibility.md').read_text(encoding='utf-8') == corpus.compatibility_markdown(ENTRIES)


def test_corpus_breadth():
    """At least 25 files from at least 7 producers, each with its provenance."""
    producers = {entry.provenance['producer'] for entry in ENTRIES}
    assert len(ENTRIES) >= 25 and len(producers) >= 7, (len(ENTRIES), producers)
    for entry in ENTRIES:
        assert set(entry.provenance) >= {'producer', 'version', 'feature', 'source'}, entry.name
        assert entry.provenance['producer'] in corpus.PRODUCERS and entry.path.parent.name == entry.provenance['producer'], entry.name


@pytest.mark.parametrize('name', IDS)
def test_info_renders(run, world, entry, name):  # pylint: disable=unused-argument
    """autoscale_info returns every profile and rule Azure has (end profiles folded only into recurrence.end)."""
    setting = _info(run, world, entry)
    folded = sum(1 for profile in setting['profiles'] if (profile.get('recurrence') or {}).get('end'))
    assert len(setting['profiles']) + folded == len(entry.raw_profiles())
    rendered = {profile['name']: profile for profile in setting['profiles']}
    for raw in entry.raw_profiles():
        raw_name = next(value for key, value in raw.items() if key.lower() == 'name')
        if raw_name in rendered:
            raw_rules = next((value for key, value in raw.items() if key.lower() == 'rules'), None) or []
            assert len(rendered[raw_name]['rules']) == len(raw_rules), raw_name


@pytest.mark.parametrize('name', IDS)
def test_state_with_the_same_policy_writes_nothing(run, world, entry, name):  # pylint: disable=unused-argument
    """autoscale_state given the policy autoscale_info shows: changed false, zero writes."""
    setting = _info(run, world, entry)
    world.emulator.clear_requests()
    target = entry.target
    result = run(autoscale_state, {
        'resource_group': entry.resource_group, 'workspace': target['workspace'], 'endpoint': target['endpoint'],
        'deployment': target['deployment'], 'setting_name': setting['name'], 'enabled': setting['enabled'], 'tags': setting['tags'],
        'notifications': _notifications(setting), 'profiles': [role_profile(profile) for profile in setting['profiles']],
        '_ansible_diff': True})
    _assert_no_write(world, result, 'autoscale_state')


@pytest.mark.parametrize('name', IDS)
def test_profile_and_rule_parts_write_nothing(run, world, entry, name):  # pylint: disable=unused-argument
    """autoscale_profile given each profile, autoscale_rule given each rule: changed false, zero writes."""
    setting = _info(run, world, entry)
    target_id = world.target_id(entry)
    for profile in setting['profiles']:
        world.emulator.clear_requests()
        result = run(autoscale_profile, dict(role_profile(profile), target_id=target_id, _ansible_diff=True))
        _assert_no_write(world, result, 'autoscale_profile {0}'.format(profile['name']))
        for rule in profile['rules']:
            world.emulator.clear_requests()
            args = {key: rule[key] for key in RULE if rule.get(key) is not None}
            result = run(autoscale_rule, dict(args, target_id=target_id, profile_name=profile['name'], _ansible_diff=True))
            _assert_no_write(world, result, 'autoscale_rule {0} of {1}'.format(rule['metric_name'], profile['name']))


@pytest.mark.parametrize('name', IDS)
def test_simulate_replays_every_rule(run, world, entry, name):  # pylint: disable=unused-argument
    """Every rule of every profile Azure has is replayed; one the model approximates is a warning that names it."""
    result = run(autoscale_simulate, {'target_id': world.target_id(entry), 'window': '1d', 'end': REPLAY_END})
    current = result['simulation']['current']
    warnings = extract_warnings_texts(result)
    replayed = {}
    for row in current['rules']:
        replayed.setdefault(row['azure_profile'], []).append(row)
        if row['approximation']:
            assert any(row['profile'] in text and 'rule {0}'.format(row['rule']) in text for text in warnings), (row, warnings)
    for raw in entry.raw_profiles():
        name_ = next(value for key, value in raw.items() if key.lower() == 'name')
        rules = next((value for key, value in raw.items() if key.lower() == 'rules'), None) or []
        found = [row for profile, rows in replayed.items() if json_name_equal(profile, name_) for row in rows]
        assert len(found) == len(rules), (name_, replayed.keys())
    assert not [text for text in warnings if 'simulated as UTC' in text], warnings


def json_name_equal(first, second):
    """Profile names equal, an end profile's JSON name however it is spaced."""
    try:
        return json.loads(first) == json.loads(second)
    except (TypeError, ValueError):
        return first == second


def _playbook(env, work, label, *args):
    command = [venv_tool('ansible-playbook'), *args]
    started = time.monotonic()
    result = subprocess.run(command, env=env, cwd=str(work), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, timeout=1800, check=False)
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUTPUT_DIR / f'corpus-{label}.log').write_text(
        f'$ {" ".join(command)}\n# rc={result.returncode} elapsed={time.monotonic() - started:.1f}s\n{result.stdout}', encoding='utf-8')
    assert result.returncode == 0, f'{label} failed (rc={result.returncode}):\n{result.stdout[-20000:]}'
    return result.stdout


def _files(directory):
    return {path.relative_to(directory).as_posix(): path.read_text(encoding='utf-8') for path in sorted(directory.rglob('*.yml'))}


def test_export_then_configure_fleet_writes_nothing(world, tmp_path):
    """export_policies.yml, configure_fleet.yml on the export: zero writes, every setting as it was; a second export is the same."""
    assert not world.refused, world.refused
    env = playbook_env(world.emulator)
    first, second = tmp_path / 'first', tmp_path / 'second'
    world.emulator.clear_requests()
    _playbook(env, tmp_path, 'export', str(COLLECTION_ROOT / 'playbooks' / 'export_policies.yml'), '-e', f'export_dir={first}')
    exported = sorted(path.name for path in (first / 'host_vars').glob('*.yml'))
    assert len(exported) == len(ENTRIES), exported
    _playbook(env, tmp_path, 'configure-fleet', '-i', str(first), str(COLLECTION_ROOT / 'playbooks' / 'configure_fleet.yml'),
              '--forks', '8')
    assert world.writes() == []
    for entry in ENTRIES:
        assert world.arm.get(entry.resource_group, entry.setting_name) == world.stored[entry.name], entry.name
    _playbook(env, tmp_path, 'export-again', str(COLLECTION_ROOT / 'playbooks' / 'export_policies.yml'), '-e', f'export_dir={second}')
    assert _files(first) == _files(second)
