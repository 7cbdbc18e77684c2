# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This doc fragment is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Documentation of the options every module takes to reach Azure."""

from __future__ import annotations


class ModuleDocFragment:  # pylint: disable=too-few-public-methods
    """Azure authentication, cloud and retry options."""

    DOCUMENTATION = r"""
options:
  auth_source:
    description:
      - Where the credentials come from.
      - V(auto) uses O(client_id), O(secret) and O(tenant) (from the options or the environment) when O(client_id) and
        O(secret) are set; otherwise the O(profile) section of C(~/.azure/credentials) when that file has it; otherwise the
        Azure CLI's login when C(az) is installed; otherwise the managed identity of the machine.
      - V(env) reads a service principal from C(AZURE_CLIENT_ID), C(AZURE_SECRET) (or C(AZURE_CLIENT_SECRET)) and
        C(AZURE_TENANT) (or C(AZURE_TENANT_ID)), as the AWX / Automation Platform Azure credential injects them.
      - V(credential_file) reads C(~/.azure/credentials) (section O(profile), else C(default)).
      - V(cli) uses the Azure CLI's login (C(az login)); the subscription defaults to the CLI's default subscription.
      - V(msi) uses the managed identity of the machine (user-assigned when O(client_id) is set).
      - If not set, the value of the E(ANSIBLE_AZURE_AUTH_SOURCE) environment variable, else V(auto).
    type: str
    choices: [auto, env, credential_file, cli, msi]
  subscription_id:
    description:
      - The Azure subscription.
      - If not set, the value of the E(AZURE_SUBSCRIPTION_ID) environment variable, else the credential file's or the
        Azure CLI's default subscription.
    type: str
  client_id:
    description:
      - The application (client) id of the service principal, or of a user-assigned managed identity with O(auth_source=msi).
      - If not set, the value of the E(AZURE_CLIENT_ID) environment variable.
    type: str
  secret:
    description:
      - The client secret of the service principal.
      - If not set, the value of the E(AZURE_SECRET) environment variable, else of E(AZURE_CLIENT_SECRET).
    type: str
  tenant:
    description:
      - The Entra ID tenant id of the service principal.
      - If not set, the value of the E(AZURE_TENANT) environment variable, else of E(AZURE_TENANT_ID).
    type: str
  profile:
    description:
      - The section of C(~/.azure/credentials) to read.
      - If not set, the value of the E(AZURE_PROFILE) environment variable, else C(default).
    type: str
  cloud_environment:
    description:
      - The Azure cloud. A name (V(AzureCloud), V(AzureChinaCloud), V(AzureUSGovernment)) or the URL of an Azure Resource
        Manager metadata discovery document, as for Azure Stack Hub and other private clouds
        (C(https://<resource manager>/metadata/endpoints?api-version=2022-09-01)).
      - If not set, the value of the E(AZURE_CLOUD_ENVIRONMENT) environment variable, else V(AzureCloud).
      - For a cloud whose TLS certificates come from a private CA, point the E(REQUESTS_CA_BUNDLE) environment variable at
        the CA bundle.
    type: str
  lookup_cache:
    description:
      - Whether module runs share an on-disk cache (in C($XDG_CACHE_HOME/mlops.autoscale), else C(~/.cache/mlops.autoscale),
        or E(MLOPS_AUTOSCALE_CACHE_DIR)) of the cloud metadata document, of access tokens, of each workspace's endpoints and
        deployments (for an hour) and of each resource group's autoscale settings by target, so that a fleet run asks
        Entra ID for a handful of tokens instead of one per task and its cost grows linearly with the fleet.
      - The first name lookup in a workspace lists the workspace's endpoints and deployments, once, under a lock that the
        other forks wait on; later lookups need neither a request nor azure-ai-ml (a deployment missing from the listing
        is looked up on its own). The P(mlops.autoscale.online_deployments#inventory) inventory leaves the same listing behind.
      - When no setting has the expected name, the resource group's settings are listed to find one that targets the
        deployment under another name. Within one C(ansible-playbook) run that listing is made once per resource group
        and shared by all forks; a later run reads the name it found directly, and never takes an earlier run's listing
        for proof that a deployment has no setting. Where "no setting" would end a task without a write (C(state=absent),
        a rule or profile task) it is confirmed by a new listing. If another writer creates a setting for the deployment
        after the run's listing, Azure refuses the second setting a task tries to create (one per target; nothing is
        written) and the task adopts the other writer's; until the next run, check mode and M(mlops.autoscale.autoscale_info)
        may still report the deployment without a setting.
      - Tokens are stored encrypted (AES-GCM) with a key derived from the client secret that obtained them, in files only
        the user can read; they are never written in clear. Only service principal tokens are cached.
      - With V(false) every task looks everything up again.
    type: bool
    default: true
  retry_total:
    description:
      - How many times one request is retried on throttling (HTTP 429, honouring C(Retry-After)), server errors
        (500, 502, 503, 504) and dropped connections, with exponential back-off.
    type: int
    default: 6
  retry_timeout:
    description:
      - The most seconds one request may take, retries and back-off included.
    type: int
    default: 300
requirements:
  - python >= 3.11
  - azure-identity
  - azure-mgmt-monitor >= 7.0.0
  - azure-ai-ml (to resolve workspaces, endpoints and deployments by name)
  - tzlocal (time zones given as IANA names; the schedules of M(mlops.autoscale.autoscale_simulate))
seealso:
  - name: Autoscale online endpoints in Azure Machine Learning
    description: The Azure documentation this collection implements.
    link: https://learn.microsoft.com/azure/machine-learning/how-to-autoscale-endpoints
"""
