# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run every integration target (tests/integration/targets/<name>) against the ARM emulator.

Targets use ansible-test's layout (``tasks/main.yml`` + ``aliases``) and run as a role
on localhost. As with ansible-test, hidden targets (alias ``hidden``, or a name starting
with ``setup_`` or ``prepare_``) are helpers for other targets and are not run; an
``aliases`` line ``disabled`` or ``unsupported`` skips a target.
Each run's full output is saved to ``tests/output/integration/<target>.log``.

    make integration                       # all targets
    make integration PYTEST_ARGS='-k rule'  # some of them
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import venv_tool  # pylint: disable=import-error

COLLECTION_ROOT = Path(__file__).resolve().parents[2]
TARGETS_DIR = COLLECTION_ROOT / 'tests' / 'integration' / 'targets'
OUTPUT_DIR = COLLECTION_ROOT / 'tests' / 'output' / 'integration'

SKIP_ALIASES = frozenset(('disabled', 'unsupported', 'hidden'))
HIDDEN_PREFIXES = ('setup_', 'prepare_')
TIMEOUT = int(os.environ.get('INTEGRATION_TARGET_TIMEOUT', '900'))


def _aliases(target: Path) -> set[str]:
    path = target / 'aliases'
    if not path.is_file():
        return set()
    lines = path.read_text(encoding='utf-8').splitlines()
    return {line.split('#', 1)[0].strip() for line in lines} - {''}


def discover_targets() -> list:
    """One pytest param per target directory that has tasks/main.yml."""
    params = []
    if not TARGETS_DIR.is_dir():
        return params
    for target in sorted(TARGETS_DIR.iterdir()):
        if not target.is_dir() or not (target / 'tasks' / 'main.yml').is_file():
            continue
        if target.name.startswith(HIDDEN_PREFIXES) or 'hidden' in _aliases(target):
            continue
        skipped = sorted(_aliases(target) & SKIP_ALIASES)
        marks = [pytest.mark.skip(reason=f'aliases: {", ".join(skipped)}')] if skipped else []
        params.append(pytest.param(target.name, id=target.name, marks=marks))
    return params


def test_targets_exist():
    """The harness must not pass by finding nothing to run."""
    assert discover_targets(), f'no integration targets under {TARGETS_DIR}'


@pytest.mark.parametrize('target', discover_targets())
def test_target(target, emulator, integration_env, tmp_path):
    """Run one target as a role on localhost; it must succeed."""
    emulator.clear_requests()

    inventory = tmp_path / 'inventory.ini'
    inventory.write_text(
        f'localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n',
        encoding='utf-8',
    )
    playbook = tmp_path / f'{target}.yml'
    playbook.write_text(
        '- hosts: localhost\n'
        '  gather_facts: false\n'
        '  roles:\n'
        f'    - {target}\n',
        encoding='utf-8',
    )

    command = [venv_tool('ansible-playbook'), '-i', str(inventory), str(playbook)]
    verbosity = os.environ.get('INTEGRATION_VERBOSITY')  # e.g. -vvv
    if verbosity:
        command.append(verbosity)

    started = time.monotonic()
    try:
        result = subprocess.run(
            command, env=integration_env, cwd=str(tmp_path), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT, check=False,
        )
        output, returncode = result.stdout, result.returncode
    except subprocess.TimeoutExpired as exc:
        partial = exc.stdout or ''
        output = partial.decode('utf-8', 'replace') if isinstance(partial, bytes) else partial
        output += f'\n*** timed out after {TIMEOUT}s ***\n'
        returncode = None
    elapsed = time.monotonic() - started

    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUTPUT_DIR / f'{target}.log').write_text(
        f'$ {" ".join(command)}\n# rc={returncode} elapsed={elapsed:.1f}s\n{output}', encoding='utf-8',
    )

    assert returncode == 0, f'target {target} failed (rc={returncode}) after {elapsed:.1f}s:\n{output}'
