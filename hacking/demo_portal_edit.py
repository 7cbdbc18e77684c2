# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Edit an autoscale setting out of band through the REST API, as the Azure portal would.

    demo_portal_edit.py --resource-group RG --workspace WS --endpoint EP --deployment DEP \
        [--scale-out-threshold 90] [--drop-profile weekend]

Discovers the cloud from ARM_CLOUD_METADATA_URL (or AZURE_CLOUD_ENVIRONMENT when it is a URL),
gets a token from its Entra ID token endpoint with the client credentials in AZURE_CLIENT_ID,
AZURE_SECRET and AZURE_TENANT, finds the autoscale setting that targets the deployment in the
resource group, raises the threshold of the default profile's CPU scale-out rule, removes a
scheduled profile (with the portal's end profile for it), and PUTs the whole modified body back.
Standard library only; TLS is verified against REQUESTS_CA_BUNDLE.
"""

from __future__ import annotations

import argparse
import json
import os
import ssl
import sys
import urllib.parse
import urllib.request

API_VERSION = '2022-10-01'


def _call(context, method, url, token=None, body=None, form=None):
    headers = {'Accept': 'application/json'}
    data = None
    if token:
        headers['Authorization'] = 'Bearer ' + token
    if body is not None:
        data = json.dumps(body).encode()
        headers['Content-Type'] = 'application/json'
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers['Content-Type'] = 'application/x-www-form-urlencoded'
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, context=context, timeout=30) as response:
        return json.loads(response.read() or b'null')


def _is_end_profile_for(profile, name):
    try:
        meta = json.loads(profile.get('name', ''))
    except ValueError:
        return False
    return isinstance(meta, dict) and meta.get('for') == name


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    for option in ('resource-group', 'workspace', 'endpoint', 'deployment'):
        parser.add_argument('--' + option, required=True)
    parser.add_argument('--scale-out-threshold', type=float, default=90)
    parser.add_argument('--drop-profile', default='weekend')
    args = parser.parse_args(argv)

    env = os.environ
    metadata_url = env.get('ARM_CLOUD_METADATA_URL') or env['AZURE_CLOUD_ENVIRONMENT']
    context = ssl.create_default_context(cafile=env.get('REQUESTS_CA_BUNDLE'))
    metadata = _call(context, 'GET', metadata_url)
    cloud = metadata[0] if isinstance(metadata, list) else metadata
    arm = cloud['resourceManager'].rstrip('/')
    login = cloud['authentication']['loginEndpoint'].rstrip('/')
    audience = cloud['authentication']['audiences'][0].rstrip('/')

    token = _call(context, 'POST', f"{login}/{env['AZURE_TENANT']}/oauth2/v2.0/token", form={
        'grant_type': 'client_credentials', 'client_id': env['AZURE_CLIENT_ID'],
        'client_secret': env['AZURE_SECRET'], 'scope': audience + '/.default'})['access_token']

    group = f"{arm}/subscriptions/{env['AZURE_SUBSCRIPTION_ID']}/resourceGroups/{args.resource_group}"
    target = (f"/providers/Microsoft.MachineLearningServices/workspaces/{args.workspace}"
              f"/onlineEndpoints/{args.endpoint}/deployments/{args.deployment}").lower()
    listing = _call(context, 'GET', f'{group}/providers/Microsoft.Insights/autoscalesettings?api-version={API_VERSION}', token)
    found = [item for item in listing.get('value', [])
             if item['properties'].get('targetResourceUri', '').lower().endswith(target)]
    if not found:
        print(f'no autoscale setting targets {target}', file=sys.stderr)
        return 1
    setting = found[0]
    url = f"{arm}{setting['id']}?api-version={API_VERSION}"
    body = _call(context, 'GET', url, token)

    changes = []
    profiles = body['properties']['profiles']
    kept = [profile for profile in profiles
            if profile['name'] != args.drop_profile and not _is_end_profile_for(profile, args.drop_profile)]
    if len(kept) != len(profiles):
        changes.append(f'removed profile {args.drop_profile!r} ({len(profiles) - len(kept)} profiles with its end profile)')
    body['properties']['profiles'] = kept
    for profile in kept:
        if 'recurrence' in profile or 'fixedDate' in profile or profile['name'].startswith('{'):
            continue
        for rule in profile.get('rules', []):
            trigger = rule['metricTrigger']
            if trigger['metricName'] == 'CpuUtilizationPercentage' and rule['scaleAction']['direction'] == 'Increase':
                changes.append(f"profile {profile['name']!r}: CPU scale-out threshold {trigger['threshold']} -> "
                               f'{args.scale_out_threshold:g}')
                trigger['threshold'] = args.scale_out_threshold
                break
        break

    put_body = {key: body[key] for key in ('location', 'tags', 'properties') if key in body}
    _call(context, 'PUT', url, token, put_body)
    print(f"PUT {setting['name']}: " + ('; '.join(changes) or 'no change'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
