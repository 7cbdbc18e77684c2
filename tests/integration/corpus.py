# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The corpus of real-world autoscale settings (tests/corpus/, see its README): loading, and seeding into the ARM emulator.

Each file gets a resource group of its own in the emulator (the ids of the file are rewritten to it and to the emulator's
subscription, whatever their letter case), holding the workspace, endpoint and deployment its target names; its body is
then PUT through the REST API as the producer sent it.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parents[1] / 'corpus'
PRODUCERS = ('azure-cli', 'portal', 'arm-template', 'bicep', 'terraform-azurerm', 'powershell-az', 'pulumi', 'azure.azcollection',
             'azure-sdk-sample')
SCOPE = re.compile(r'^/subscriptions/[^/]+/(resourcegroups)/[^/]+', re.IGNORECASE)
TARGET = re.compile(r'/workspaces/(?P<workspace>[^/]+)/onlineEndpoints/(?P<endpoint>[^/]+)/deployments/(?P<deployment>[^/]+)/?$',
                    re.IGNORECASE)
READ_ONLY = ('id', 'type', 'systemData')


@dataclass(frozen=True)
class Entry:
    """One corpus file."""

    path: Path
    record: dict

    @property
    def name(self) -> str:
        """``<producer>/<feature>``: the file's path under tests/corpus without .json."""
        return self.path.relative_to(CORPUS_DIR).with_suffix('').as_posix()

    @property
    def provenance(self) -> dict:
        """The file's ``_provenance``."""
        return self.record['_provenance']

    @property
    def resource_group(self) -> str:
        """The file's own resource group in the emulator."""
        return 'corpus-' + re.sub(r'[^A-Za-z0-9_.()-]', '-', self.name)[:80]

    @property
    def setting_name(self) -> str:
        """The setting's name (the last segment of its id)."""
        return self.record['id'].rstrip('/').rsplit('/', 1)[1]

    @property
    def target(self) -> dict:
        """The workspace, endpoint and deployment names of the setting's target."""
        return TARGET.search(self.record['properties']['targetResourceUri']).groupdict()

    def relocate(self, value, subscription: str):
        """``value`` (any JSON) with every ARM id moved to the emulator's subscription and this file's resource group."""
        if isinstance(value, dict):
            return {key: self.relocate(item, subscription) for key, item in value.items()}
        if isinstance(value, list):
            return [self.relocate(item, subscription) for item in value]
        if isinstance(value, str):
            return SCOPE.sub(lambda match: f'/subscriptions/{subscription}/{match.group(1)}/{self.resource_group}', value)
        return value

    def body(self, subscription: str) -> dict:
        """The PUT body: the resource as the producer left it, relocated, without ARM's read-only fields."""
        body = {key: copy.deepcopy(value) for key, value in self.record.items() if key != '_provenance' and key not in READ_ONLY}
        return self.relocate(body, subscription)

    def raw_profiles(self) -> list:
        """The profiles as Azure has them (end profiles included)."""
        properties = next(value for key, value in self.record.items() if key.lower() == 'properties')
        return next((value for key, value in properties.items() if key.lower() == 'profiles'), None) or []


def load() -> list:
    """Every corpus file, sorted by path."""
    return [Entry(path, json.loads(path.read_text(encoding='utf-8'))) for path in sorted(CORPUS_DIR.glob('*/*.json'))]


def seed(entries, base: dict) -> dict:
    """An emulator seed: ``base`` (its tenant, principals and subscription) with one resource group per corpus file."""
    result = copy.deepcopy(base)
    groups = result['subscriptions'][0]['resource_groups'] = []
    for entry in entries:
        target = entry.target
        groups.append({'name': entry.resource_group, 'location': entry.record['location'].replace(' ', '').lower(), 'workspaces': [
            {'name': target['workspace'], 'endpoints': [
                {'name': target['endpoint'], 'deployments': [{'name': target['deployment'], 'instance_count': 2}]}]}]})
    result['autoscale_settings'] = []
    return result


MARK = '✅'
PRODUCER_NAMES = {'azure-cli': 'Azure CLI', 'portal': 'Azure portal / ML studio', 'arm-template': 'ARM template', 'bicep': 'Bicep',
                  'terraform-azurerm': 'Terraform azurerm', 'powershell-az': 'Azure PowerShell (Az.Monitor)', 'pulumi': 'Pulumi',
                  'azure.azcollection': 'azure.azcollection', 'azure-sdk-sample': 'Azure SDK sample (the seed how-to)'}


def _cell(text: str) -> str:
    return ' '.join(str(text).split()).replace('|', '\\|')


def compatibility_markdown(entries) -> str:
    """docs/compatibility.md: the producer x feature table of the corpus, each mark an assertion of test_corpus.py."""
    lines = [
        '# Compatibility with the settings other tools write',
        '',
        'Every row is a file of [tests/corpus](../tests/corpus/README.md): an autoscale setting exactly as that tool leaves it',
        'in Azure, with its provenance (the tool\'s code or documentation that builds it). `make test` seeds each one into the',
        'ARM emulator through the REST API and checks the three marks (`tests/integration/test_corpus.py`); a mark that does',
        'not hold fails the build, so every row of this page is green. `make compatibility` writes this page from the corpus.',
        '',
        '- **Adopted, zero writes**: `autoscale_state` given the same policy, `autoscale_profile` given each profile and',
        '  `autoscale_rule` given each rule report `changed: false` and send no write.',
        '- **Export round trip, zero writes**: `playbooks/export_policies.yml`, then `playbooks/configure_fleet.yml` on the',
        '  export (the role `endpoint_autoscale`), send no write; the setting is byte for byte as before; a second export is',
        '  identical to the first.',
        '- **Replayed, no rule dropped**: `autoscale_simulate` replays every rule of every profile as Azure has them (end',
        '  profiles included), in the schedule\'s real time zone; a rule it can only approximate is a warning that names it.',
        '',
        '| Producer | Feature | Corpus file | Captured or reconstructed | Adopted, zero writes | Export round trip, zero writes '
        '| Replayed, no rule dropped |',
        '| --- | --- | --- | --- | :---: | :---: | :---: |',
    ]
    for entry in entries:
        provenance = entry.provenance
        lines.append('| {0} | {1} | [{2}](../tests/corpus/{2}.json) | {3} | {4} | {4} | {4} |'.format(
            PRODUCER_NAMES[provenance['producer']], _cell(provenance['feature']), entry.name, provenance.get('capture', 'reconstructed'),
            MARK))
    producers = sorted({entry.provenance['producer'] for entry in entries})
    lines += ['', '{0} files from {1} producers.'.format(len(entries), len(producers)), '']
    return '\n'.join(lines)


if __name__ == '__main__':
    import sys
    Path(sys.argv[1]).write_text(compatibility_markdown(load()), encoding='utf-8')
