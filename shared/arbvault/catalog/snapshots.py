"""Keepa product snapshots in PostgreSQL, with the request options they were fetched with, and known misses.

A snapshot serves a lookup when it is younger than ``KEEPA_SNAPSHOT_TTL_SECONDS`` and was fetched with at
least what the lookup needs: the same stats window, at least as many offers, history and buy box if asked.
So a lookup needing offers never reads a snapshot fetched without them. Freshness is computed at read time
from ``fetched_at``; nothing is written when a snapshot ages.

Misses (identifiers Keepa had no product for) are kept for ``KEEPA_NOT_FOUND_TTL_SECONDS`` (default 10 min):
an unknown ASIN is charged a token on every lookup, and lists pasted by resellers repeat. The TTL is short
because Keepa starts tracking a product when someone asks for it.

Writes are one ``INSERT ... ON CONFLICT`` per table (``bulk``), never a statement per row. A product is stored
as its compact JSON (orjson), LZ4-compressed (``pack_product``): about 3 KB instead of 7 KB, and no JSON for
PostgreSQL to parse. LZ4 rather than zlib: the worker's CPU is what a chunk waits on (figures in
``bench/NOTES.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import lz4.block
import orjson
from sqlalchemy import and_, select, true, union_all

from arbvault.catalog.bulk import insert_from_json, rows_parameter
from arbvault.catalog.fetch_options import DEFAULT_STATS_DAYS, FetchOptions
from arbvault.identifiers import split_by_lookup
from arbvault.models.keepa_snapshot import KeepaMiss, KeepaSnapshot

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from arbvault.identifiers import Identifier

_SNAPSHOTS = KeepaSnapshot.__table__
_MISSES = KeepaMiss.__table__
# The key first: an upsert rewrites every column after it.
_SNAPSHOT_COLUMNS = ("domain_id", "asin", "codes", "stats_days", "offers", "history", "buybox", "product_lz4",
                     "fetched_at")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One stored raw product and how and when it was fetched."""

    asin: str
    codes: tuple[str, ...]
    product: dict[str, Any]
    options: FetchOptions
    fetched_at: datetime


def pack_product(product: Mapping[str, Any]) -> bytes:
    """A raw product as stored: compact JSON, one LZ4 block with its size in front."""
    return bytes(lz4.block.compress(orjson.dumps(product)))


def unpack_product(packed: bytes) -> dict[str, Any]:
    """The raw product ``pack_product`` stored."""
    product: dict[str, Any] = orjson.loads(lz4.block.decompress(packed))
    return product


def product_codes(product: Mapping[str, Any]) -> list[str]:
    """The product's EAN-13 codes (ISBN-13s for books): what a ``code=`` lookup matches."""
    return [str(code) for code in product.get("eanList") or () if len(str(code)) == 13 and str(code).isdigit()]


def _serves(options: FetchOptions) -> Any:
    """SQL condition: a snapshot fetched with at least ``options``."""
    return and_(
        KeepaSnapshot.stats_days == options.stats_days,
        KeepaSnapshot.offers >= (options.offers or 0),
        KeepaSnapshot.history if options.history else true(),
        KeepaSnapshot.buybox if options.buybox else true(),
    )


# What a read needs. ``codes`` is left out: it is the product's own ``eanList`` (``product_codes``), and pg8000
# parses arrays in Python, row by row.
_READ = (KeepaSnapshot.asin, KeepaSnapshot.stats_days, KeepaSnapshot.offers, KeepaSnapshot.history,
         KeepaSnapshot.buybox, KeepaSnapshot.product_lz4, KeepaSnapshot.fetched_at)


def _snapshot(row: Any) -> Snapshot:
    options = FetchOptions(stats_days=row.stats_days or DEFAULT_STATS_DAYS, offers=row.offers or None,
                           history=row.history, buybox=row.buybox)
    product = unpack_product(row.product_lz4)
    return Snapshot(asin=row.asin, codes=tuple(product_codes(product)), product=product, options=options,
                    fetched_at=row.fetched_at)


def load_snapshots(session: Session, identifiers: Sequence[Identifier], *, domain_id: int, options: FetchOptions,
                   fresh_after: datetime) -> dict[str, Snapshot]:
    """Fresh snapshots serving ``options``, by identifier value (ASINs and ISBN-10s by ASIN, ISBN-13s by code)."""
    by_asin, by_code = split_by_lookup(identifiers)
    asins, codes = [i.value for i in by_asin], [i.value for i in by_code]
    # One arm per index: ASINs through the primary key, codes through the GIN index. As one OR the planner may
    # (and with fresh statistics did) scan every snapshot of the domain and filter: a chunk's read then grew
    # with the table.
    arms = [select(*_READ).where(KeepaSnapshot.domain_id == domain_id, KeepaSnapshot.fetched_at > fresh_after,
                                 _serves(options), match)
            for match, wanted in ((KeepaSnapshot.asin.in_(asins), asins),
                                  (KeepaSnapshot.codes.overlap(codes), codes)) if wanted]
    if not arms:
        return {}
    query = arms[0] if len(arms) == 1 else union_all(*arms)
    # newest last, so it wins when a code matches several ASINs
    rows = session.execute(query.order_by(KeepaSnapshot.fetched_at)).all()
    wanted_asins, wanted_codes = set(asins), set(codes)
    by_identifier: dict[str, Snapshot] = {}
    unpacked: dict[str, Snapshot] = {}  # a product asked for by ASIN and by code comes back from both arms
    for row in rows:
        snapshot = unpacked.get(row.asin) or unpacked.setdefault(row.asin, _snapshot(row))
        if snapshot.asin in wanted_asins:
            by_identifier[snapshot.asin] = snapshot
        for code in wanted_codes.intersection(snapshot.codes):
            by_identifier[code] = snapshot
    return by_identifier


def save_snapshots(session: Session, products: Iterable[Mapping[str, Any]], *, domain_id: int,
                   options: FetchOptions, fetched_at: datetime) -> int:
    """Upsert raw products (one statement); returns how many rows were written.

    Rows go in key order (as in :func:`save_misses`): transactions writing overlapping sets then lock the rows
    in one order, and cannot deadlock each other (a request and a batch chunk fetching the same books).
    """
    rows: dict[str, dict[str, Any]] = {}
    for product in products:
        asin = str(product.get("asin") or "").upper()
        if asin:
            rows[asin] = {"domain_id": domain_id, "asin": asin, "codes": product_codes(product),
                          "stats_days": options.stats_days, "offers": options.offers or 0,
                          "history": options.history, "buybox": options.buybox,
                          "product_lz4": pack_product(product), "fetched_at": fetched_at}
    if not rows:
        return 0
    statement = insert_from_json(_SNAPSHOTS, _SNAPSHOT_COLUMNS)
    session.execute(statement.on_conflict_do_update(
        index_elements=[_SNAPSHOTS.c.domain_id, _SNAPSHOTS.c.asin],
        set_={name: statement.excluded[name] for name in _SNAPSHOT_COLUMNS[2:]},
    ), rows_parameter([rows[asin] for asin in sorted(rows)]))
    return len(rows)


def load_misses(session: Session, values: Sequence[str], *, domain_id: int, fresh_after: datetime) -> set[str]:
    """Which of ``values`` Keepa had no product for, recently."""
    if not values:
        return set()
    return set(session.scalars(
        select(KeepaMiss.identifier)
        .where(KeepaMiss.domain_id == domain_id, KeepaMiss.identifier.in_(list(values)),
               KeepaMiss.checked_at > fresh_after)
    ))


def save_misses(session: Session, values: Iterable[str], *, domain_id: int, checked_at: datetime) -> None:
    """Remember identifiers Keepa had no product for (one statement)."""
    rows = [{"domain_id": domain_id, "identifier": value, "checked_at": checked_at} for value in sorted(set(values))]
    if not rows:
        return
    statement = insert_from_json(_MISSES, ("domain_id", "identifier", "checked_at"))
    session.execute(statement.on_conflict_do_update(
        index_elements=[_MISSES.c.domain_id, _MISSES.c.identifier],
        set_={"checked_at": statement.excluded.checked_at},
    ), rows_parameter(rows))


def freshness_cutoff(now: datetime, ttl_seconds: int) -> datetime:
    """Rows written after this are still fresh."""
    return now - timedelta(seconds=max(ttl_seconds, 0))
