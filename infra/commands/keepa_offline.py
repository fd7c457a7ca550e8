"""`arbvault keepa-offline`: serve the offline Keepa server until interrupted."""

from __future__ import annotations

import argparse
from typing import Any

DEFAULT_PORT = 3100


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "keepa-offline", help="serve Keepa's wire format locally (fixtures plus generated books)",
        description="Serve /product, /query, /bestsellers, /category and /token on 127.0.0.1; "
                    "point KEEPA_BASE_URL at the printed URL.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT}; 0 = any)")
    parser.add_argument("--key", default=None, help="the only access key accepted (default: any non-empty key)")
    parser.add_argument("--tokens", type=_non_negative, default=1200, help="starting token balance (default: 1200)")
    parser.add_argument("--refill-rate", type=_positive, default=20, help="tokens added per minute (default: 20)")
    parser.add_argument("--latency-ms", type=_non_negative, default=0, help="delay before every answer (default: 0)")
    parser.set_defaults(func=run)


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def run(args: argparse.Namespace) -> int:
    from infra.keepa_offline import OfflineKeepa

    keepa = OfflineKeepa(host=args.host, port=args.port, key=args.key, tokens=args.tokens,
                         refill_rate=args.refill_rate, latency_ms=args.latency_ms)
    keepa.bind()
    print(f"offline Keepa serving at {keepa.base_url}  (export KEEPA_BASE_URL={keepa.base_url})", flush=True)
    try:
        keepa.serve_forever()
    except KeyboardInterrupt:
        return 0
    return 0
