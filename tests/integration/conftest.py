# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the integration harness: one ARM emulator for the whole session.

The emulator (tools/arm_emulator, ``arm_emulator.testing.EmulatorProcess``) listens on
127.0.0.1 over HTTPS with its own CA; ``integration_env`` is the environment that
every ``ansible-playbook`` run gets, so the modules reach nothing but the emulator.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

COLLECTION_ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS_PATH = COLLECTION_ROOT / '.build' / 'collections'
COLLECTION_LINK = COLLECTIONS_PATH / 'ansible_collections' / 'mlops' / 'autoscale'
TARGETS_DIR = COLLECTION_ROOT / 'tests' / 'integration' / 'targets'
OUTPUT_DIR = COLLECTION_ROOT / 'tests' / 'output' / 'integration'

# Variables that could send a module somewhere else than the emulator, or give it
# credentials from the machine running the tests.
SCRUBBED_PREFIXES = ('AZURE_', 'ARM_', 'MSI_', 'IDENTITY_', 'IMDS_', 'ANSIBLE_', 'MLOPS_AUTOSCALE_')
SCRUBBED_NAMES = ('REQUESTS_CA_BUNDLE', 'SSL_CERT_FILE', 'CURL_CA_BUNDLE',
                  'HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy')


def venv_tool(name: str) -> str:
    """An Ansible command of this virtual environment (``ansible-playbook``, ``ansible-inventory``, ...)."""
    candidate = Path(sys.executable).with_name(name)
    if candidate.is_file():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        pytest.fail(f'{name} not found (run `make venv`)')
    return found


def ensure_collection_link() -> Path:
    """Make ``.build/collections/ansible_collections/mlops/autoscale`` point at this checkout."""
    if not COLLECTION_LINK.exists():
        COLLECTION_LINK.parent.mkdir(parents=True, exist_ok=True)
        if COLLECTION_LINK.is_symlink():  # dangling
            COLLECTION_LINK.unlink()
        COLLECTION_LINK.symlink_to(Path('..', '..', '..', '..'), target_is_directory=True)
    return COLLECTIONS_PATH


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f'{parts.scheme}://{parts.netloc}'


@pytest.fixture(scope='session')
def emulator(tmp_path_factory):
    """A running ARM emulator with its default seed, stopped at the end of the session."""
    from arm_emulator.testing import EmulatorProcess  # pylint: disable=import-outside-toplevel

    state_dir = tmp_path_factory.mktemp('arm-emulator')
    proc = EmulatorProcess.start(state_dir)
    try:
        yield proc
    finally:
        proc.stop()


def module_cache_dir(emulator) -> str:
    """The modules' on-disk cache for ``emulator``: each emulator is a cloud of its own (own signing key) that may reuse
    the port of an earlier one, so a token or lookup cached against another one must never be offered to it."""
    return os.path.join(emulator.state_dir, 'mlops-autoscale-cache')


def playbook_env(emulator) -> dict:
    """Environment for ansible-playbook against ``emulator``: its client variables and nothing from outside."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(SCRUBBED_PREFIXES) and key not in SCRUBBED_NAMES
    }
    env.update({key: str(value) for key, value in emulator.client_env().items()})
    env['MLOPS_AUTOSCALE_CACHE_DIR'] = module_cache_dir(emulator)

    admin_url = emulator.env.get('ARM_EMULATOR_ADMIN_URL')
    if admin_url:
        env['ARM_EMULATOR_ADMIN_URL'] = admin_url
    metadata_url = env.get('ARM_CLOUD_METADATA_URL') or emulator.env.get('ARM_CLOUD_METADATA_URL')
    if metadata_url and 'AZURE_AUTHORITY_HOST' not in env:
        env['AZURE_AUTHORITY_HOST'] = _origin(metadata_url)
    if 'REQUESTS_CA_BUNDLE' not in env and emulator.env.get('REQUESTS_CA_BUNDLE'):
        env['REQUESTS_CA_BUNDLE'] = emulator.env['REQUESTS_CA_BUNDLE']

    for key in ('AZURE_AUTHORITY_HOST', 'ARM_CLOUD_METADATA_URL', 'ARM_EMULATOR_ADMIN_URL'):
        host = urlsplit(env.get(key, '')).hostname
        if env.get(key) and host not in ('127.0.0.1', 'localhost', '::1'):
            pytest.fail(f'{key}={env[key]} does not point at the local emulator')

    env.update({
        'ANSIBLE_COLLECTIONS_PATH': str(ensure_collection_link()),
        'ANSIBLE_ROLES_PATH': str(TARGETS_DIR),
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_HOST_KEY_CHECKING': '0',
        'ANSIBLE_DEPRECATION_WARNINGS': '1',
        'PYTHONDONTWRITEBYTECODE': '1',
    })
    return env


@pytest.fixture(scope='session')
def integration_env(emulator):
    """Environment for ansible-playbook: the emulator's client variables and nothing from outside."""
    return playbook_env(emulator)
