# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark yardstick (issue 6), not part of the collection: the least a module can do to read one autoscale
setting -- ansible's module basics, azure-identity and azure-mgmt-monitor, a client-secret credential from the
environment, one GET. Every token is fetched anew (no cache), as the modules of the issue's measurement did."""

from __future__ import annotations

import os

from ansible.module_utils.basic import AnsibleModule
from azure.identity import ClientSecretCredential
from azure.mgmt.monitor import MonitorManagementClient


def main():
    module = AnsibleModule(argument_spec={"resource_group": {"type": "str", "required": True},
                                          "name": {"type": "str", "required": True}}, supports_check_mode=True)
    base = os.environ["AZURE_AUTHORITY_HOST"].rstrip("/")
    credential = ClientSecretCredential(os.environ["AZURE_TENANT"], os.environ["AZURE_CLIENT_ID"], os.environ["AZURE_SECRET"],
                                        authority=base, disable_instance_discovery=True)
    client = MonitorManagementClient(credential, os.environ["AZURE_SUBSCRIPTION_ID"], base_url=base,
                                     credential_scopes=[base + "/.default"])
    setting = client.autoscale_settings.get(module.params["resource_group"], module.params["name"])
    module.exit_json(changed=False, name=setting.name, enabled=setting.enabled)


if __name__ == "__main__":
    main()
