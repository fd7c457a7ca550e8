"""Catalog: Keepa products kept as snapshots in PostgreSQL, the token guard, and analyses made from them.

Look products up through the snapshots (0 tokens within ``KEEPA_SNAPSHOT_TTL_SECONDS``), guarded::

    from arbvault.catalog.lookup import FetchOptions, fetch_products

    lookup = fetch_products(["9781639584727", "1739104269"], options=FetchOptions(offers=20))
    lookup.found["1739104269"].parse(), lookup.not_found, lookup.tokens_consumed, lookup.snapshot_hits

Guard any other paid Keepa call (the check never spends a token; the balance is recorded afterwards)::

    from arbvault.catalog.clients import keepa_client
    from arbvault.catalog.costs import finder_cost
    from arbvault.catalog.guard import guarded

    client = keepa_client(1)
    with guarded(client, finder_cost(50)):
        page = client.product_finder(selection)

Functions here open their own sessions: call them while holding none (one pooled connection per environment).

Import each name from the module that defines it: this package's ``__init__`` imports none of them, so a
function loads only the modules its own routes use.
"""
