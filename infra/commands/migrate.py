"""`arbvault migrate`: apply Alembic migrations to DATABASE_URL (or the embedded database)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("migrate", help="apply database migrations (alembic upgrade head)")
    parser.add_argument("--revision", default="head", help="target revision (default: head)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from arbvault.migrations import upgrade
    from infra.database import use_local_database

    url, embedded = use_local_database()
    upgrade(url, args.revision)
    where = "embedded PostgreSQL" if embedded else "DATABASE_URL"
    print(f"migrations applied to {args.revision} on {where}")
    return 0
