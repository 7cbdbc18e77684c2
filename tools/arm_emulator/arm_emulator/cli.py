"""Command line: ``arm-emulator serve`` and ``arm-emulator make-seed``."""

import argparse
import json
import sys

from arm_emulator.seed import make_seed


def _parser():
    parser = argparse.ArgumentParser(prog="arm-emulator", description="Local HTTPS stand-in for Azure Resource Manager, "
                                     "Entra ID client-credential tokens and cloud metadata.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve on https://127.0.0.1:PORT until SIGTERM/SIGINT")
    serve.add_argument("--port", type=int, default=0, help="TCP port (0 = any free port)")
    serve.add_argument("--state-dir", required=True, help="directory for certificates, keys, state.json, env.json, env.sh")
    serve.add_argument("--seed", help="seed file (JSON or YAML); ignored when state.json already exists")
    serve.add_argument("--latency-ms", type=int, default=0, help="latency added to every ARM request")
    serve.add_argument("--page-size", type=int, default=20, help="items per page in list responses")
    serve.add_argument("--operation-seconds", type=float, default=0.0,
                       help="how long an Azure ML deployment update or delete runs before it settles")
    seed = commands.add_parser("make-seed", help="print a fleet seed (JSON) with the default principals")
    seed.add_argument("--workspaces", type=int, required=True)
    seed.add_argument("--endpoints-per-workspace", type=int, required=True)
    seed.add_argument("--deployments-per-endpoint", type=int, required=True)
    seed.add_argument("--resource-groups", type=int, default=1)
    return parser


def main(argv=None):
    """Entry point."""
    args = _parser().parse_args(argv)
    if args.command == "make-seed":
        seed = make_seed(args.workspaces, args.endpoints_per_workspace, args.deployments_per_endpoint, args.resource_groups)
        sys.stdout.write(json.dumps(seed, indent=2) + "\n")
        return 0
    from arm_emulator.server import serve  # pylint: disable=import-outside-toplevel
    return serve(args.state_dir, port=args.port, seed_path=args.seed, latency_ms=args.latency_ms, page_size=args.page_size,
                 operation_seconds=args.operation_seconds)
