"""`arbvault keys create|list|revoke`: manage API keys in DATABASE_URL (or the embedded database).

``create`` is how the first admin key comes to exist (every key route needs one). Migrations are applied
first when the database is behind.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from arbvault.auth.keys import DEFAULT_ROLE, ROLES
from arbvault.auth.store import create_api_key, list_api_keys, revoke_api_key
from arbvault.db import get_engine, session_scope
from arbvault.exceptions import ArbvaultError
from infra.database import use_local_database

_LIST_LIMIT = 500  # per query; `list` pages through every key


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("keys", help="create, list and revoke API keys")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    create = actions.add_parser("create", help="create a key and print it (the only time it is shown)")
    create.add_argument("--name", required=True, help="a name people recognise (1-100 characters)")
    create.add_argument("--role", choices=ROLES, default=DEFAULT_ROLE, help=f"default: {DEFAULT_ROLE}")
    create.set_defaults(func=_with_database(_create))

    listing = actions.add_parser("list", help="list keys (never the keys themselves)")
    listing.add_argument("--include-revoked", action="store_true", help="also list revoked keys")
    listing.set_defaults(func=_with_database(_list))

    revoke = actions.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("key_id", type=uuid.UUID, help="the key's id (from `arbvault keys list`)")
    revoke.set_defaults(func=_with_database(_revoke))


def _with_database(action: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Point at the local database, migrate it if it is behind, run ``action``; errors exit 1 with a message."""

    def run(args: argparse.Namespace) -> int:
        try:
            _prepare_database()
            return action(args)
        except ArbvaultError as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            return 1

    return run


def _prepare_database() -> None:
    from arbvault.migrations import status, upgrade  # Alembic only when a key command runs

    url, _ = use_local_database()
    with get_engine().connect() as connection:
        state = status(connection)
    if not state.at_head:
        upgrade(url)
        print(f"migrations applied ({state.current or 'empty'} -> {state.head})", file=sys.stderr)


def _create(args: argparse.Namespace) -> int:
    with session_scope() as session:
        row, key = create_api_key(session, name=args.name, role=args.role)
    print(f"id: {row.id}\nname: {row.name}\nrole: {row.role}\nprefix: {row.prefix}\nkey: {key}")
    print("This is the only time the key is shown: store it now.", file=sys.stderr)
    return 0


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else "-"


def _list(args: argparse.Namespace) -> int:
    print(f"{'ID':36}  {'ROLE':7}  {'PREFIX':12}  {'CREATED':20}  {'LAST USED':20}  {'REVOKED':20}  NAME")
    after = None
    while True:
        with session_scope() as session:
            page = list_api_keys(session, limit=_LIST_LIMIT, after=after, include_revoked=args.include_revoked)
        for row in page.items:
            print(f"{row.id!s:36}  {row.role:7}  {row.prefix:12}  {_when(row.created_at):20}  "
                  f"{_when(row.last_used_at):20}  {_when(row.revoked_at):20}  {row.name}")
        if page.next_position is None:
            return 0
        after = page.next_position


def _revoke(args: argparse.Namespace) -> int:
    with session_scope() as session:
        row = revoke_api_key(session, args.key_id)
    print(f"revoked {row.id} ({row.role}, {row.name}) at {_when(row.revoked_at)}")
    return 0
