"""ASIN history: a watch list per API key, a daily tracker recording one point per product and day, and the
reads of those points (records, latest, trends; trends fall back to Keepa's csv history for untracked products).

Functions here open their own sessions unless they take one: call those while holding none.

Import each name from the module that defines it: this package's ``__init__`` imports none of them, so a
function loads only the modules its own routes use.
"""
