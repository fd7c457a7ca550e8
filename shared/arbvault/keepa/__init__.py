"""Keepa: the wire-protocol client and pure parsing of its product objects into typed values.

Only ``client`` imports httpx; parsing, values and errors import nothing heavy, so ``arbvault.web`` maps
Keepa errors (``exceptions``) without putting httpx on every function's cold start.

Example::

    from arbvault.keepa.client import get_keepa_client

    lookup = get_keepa_client().get_products(["1739104269", "9781639584727"], stats=90)
    product = lookup.found["1739104269"]
    product.prices.buy_box, product.sales_rank, lookup.balance.tokens_left

The package re-exports nothing: import each name from the module that defines it.
"""
