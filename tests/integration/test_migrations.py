"""Alembic is the only way the schema changes: migrations reproduce the models and run both ways."""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import orjson
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from arbvault.catalog.snapshots import unpack_product
from arbvault.config.defaults import DEFAULT_RULES
from arbvault.db import ADMIN_READ_TIMEOUT_SECONDS, build_engine
from arbvault.engine.rules_document import read_config
from arbvault.migrations import alembic_config, head_revision, status, upgrade
from arbvault.models.tables import metadata
from infra.embedded_pg import scratch_database


def _diff(url: str) -> list[object]:
    engine = build_engine(url, pool="null")
    try:
        with engine.connect() as connection, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # expression indexes cannot be compared; they are skipped, not diffed
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


@contextmanager
def _database_at(database_url: str, revision: str) -> Iterator[tuple[str, Engine]]:
    """A scratch database on ``database_url``'s server, migrated to ``revision``, with an unpooled engine."""
    server = make_url(database_url).set(database="postgres").render_as_string(hide_password=False)
    with scratch_database(server, prefix="arbvault_migrations") as url:
        upgrade(url, revision)
        engine = build_engine(url, pool="null", read_timeout=ADMIN_READ_TIMEOUT_SECONDS)
        try:
            yield url, engine
        finally:
            engine.dispose()


def test_migrations_at_head_match_the_models(database_url: str) -> None:
    assert _diff(database_url) == []


def test_migrations_downgrade_to_base_and_upgrade_again(database_url: str) -> None:
    with _database_at(database_url, "head") as (url, engine):
        command.downgrade(alembic_config(url), "base")
        upgrade(url)
        with engine.connect() as connection:
            assert status(connection).current == head_revision()
        assert _diff(url) == []


def test_snapshots_are_repacked_both_ways(database_url: str) -> None:
    product = {"asin": "0316769487", "title": "Ünïcode & more", "csv": [[1, 2, 3]] * 50}
    raw = orjson.dumps(product)
    with _database_at(database_url, "0004_jobs") as (url, engine):
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO keepa_snapshots (domain_id, asin, history, product_zlib, fetched_at) "
                "SELECT 1, 'A' || lpad(n::text, 9, '0'), true, :packed, now() FROM generate_series(1, 1201) n"),
                {"packed": zlib.compress(raw, 1)})
        upgrade(url)
        with engine.connect() as connection:
            packed = connection.execute(text("SELECT product_lz4 FROM keepa_snapshots")).scalars().all()
        assert len(packed) == 1201 and {unpack_product(value) == product for value in packed} == {True}
        command.downgrade(alembic_config(url), "0004_jobs")
        with engine.connect() as connection:
            back = connection.execute(text("SELECT product_zlib FROM keepa_snapshots")).scalars().all()
        assert len(back) == 1201 and {zlib.decompress(value) for value in back} == {raw}


def test_packed_snapshots_are_not_compressed_again(database_url: str) -> None:
    engine = build_engine(database_url, pool="null")
    try:
        with engine.connect() as connection:
            storage = connection.execute(text(
                "SELECT attstorage FROM pg_attribute WHERE attrelid = 'keepa_snapshots'::regclass "
                "AND attname = 'product_lz4'")).scalar()
    finally:
        engine.dispose()
    assert storage == "e"  # EXTERNAL: out of line, no pglz pass over LZ4 bytes


def test_stored_rules_and_labels_move_to_the_verdict_table(database_url: str) -> None:
    # Rules from before both the verdict table and the holding-cost rates: the two migrations compose.
    old_rules = orjson.loads(orjson.dumps(DEFAULT_RULES))
    old_rules.pop("verdicts")
    for rate in ("storage_per_unit_month", "returns_pct"):
        old_rules["fees"].pop(rate)
    old_rules |= {"recommendation_rules": [{"label": "STRONG BUY", "min_roi": 30, "min_velocity": 70}],
                  "overall_rating": {"GOOD": {"min_roi": 20, "min_velocity": 50, "min_stability": 50,
                                              "min_confidence": 60}},
                  "summary_templates": {"PASS": "Pass: ROI {roi_pct}%"}}
    old_rules["strategies"]["balanced"].update(buy_price_source="current_fba", sell_price_source="current_buy_box")
    with _database_at(database_url, "0005_snapshots_lz4") as (url, engine):
        with engine.begin() as connection:
            connection.execute(text(
                "UPDATE business_config SET data = CAST(:data AS JSONB) WHERE scope = 'global'"),
                {"data": orjson.dumps(old_rules).decode()})
            connection.execute(text(
                "INSERT INTO analyses (id, identifier, asin, strategy, velocity_score, stability_score,"
                " confidence_score, overall_rating, recommendation, combined_score, metrics, source, created_by)"
                " VALUES (gen_random_uuid(), '0316769487', '0316769487', 'balanced', 50, 50, 50, 'GOOD',"
                " 'STRONG BUY', 50, '{}', 'ingest', 'k')"))
        upgrade(url)
        with engine.connect() as connection:
            data, version = connection.execute(text(
                "SELECT data, version FROM business_config WHERE scope = 'global'")).one()
            label = connection.execute(text("SELECT recommendation FROM analyses")).scalar_one()
            recorded = connection.execute(text(
                "SELECT old_version, new_version, new_config FROM config_changes")).one()
    assert label == "STRONG_BUY" and version == 3  # one version per migration that rewrote the rules
    assert not {"recommendation_rules", "overall_rating", "summary_templates"} & set(data)
    assert recorded == (2, 3, data)  # the holding-cost change recorded over the verdict one
    read = read_config(data)  # usable by the engine again
    assert [(row.label, row.rating) for row in read.verdicts][1] == ("BUY", "GOOD")
    assert read.rating("GOOD").min_roi == 20  # the document's own minima kept; the missing ones defaulted
    assert read.strategies["balanced"].buy_price_source == "cheapest_offer"
    assert (read.storage_per_unit_month, read.returns_pct) == (Decimal("0.1"), Decimal(2))


def test_rules_seeded_without_holding_cost_rates_gain_them(database_url: str) -> None:
    # GIVEN a deployment at 0005 whose global rules predate the storage and returns rates, one of them set
    with _database_at(database_url, "0005_snapshots_lz4") as (url, engine):
        with engine.begin() as connection:
            connection.execute(text(
                "UPDATE business_config SET data = jsonb_set(data #- '{fees,storage_per_unit_month}', "
                "'{fees,returns_pct}', '3.5') WHERE id = 1"))
        # WHEN it is upgraded
        upgrade(url)
        with engine.connect() as connection:
            fees, version = connection.execute(text(
                "SELECT data -> 'fees', version FROM business_config WHERE id = 1")).one()
            change = connection.execute(text(
                "SELECT diff_jsonpatch, change_source, old_version, new_version FROM config_changes")).one()
        # THEN the missing rate is added, the one set is kept, and the change is recorded
        assert (fees["storage_per_unit_month"], fees["returns_pct"], version) == (0.1, 3.5, 2)
        assert change == ([{"op": "add", "path": "/fees/storage_per_unit_month", "value": 0.1}], "migration", 1, 2)
        command.downgrade(alembic_config(url), "0005_snapshots_lz4")
        with engine.connect() as connection:
            fees = connection.execute(text("SELECT data -> 'fees' FROM business_config WHERE id = 1")).scalar_one()
        assert "storage_per_unit_month" not in fees and "returns_pct" not in fees
