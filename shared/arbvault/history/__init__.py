"""ASIN history: a watch list per API key, a daily tracker recording one point per product and day, and the
reads of those points (records, latest, trends; trends fall back to Keepa's csv history for untracked products).

Functions here open their own sessions unless they take one: call those while holding none.
"""

from arbvault.history.daily import window_start
from arbvault.history.exceptions import NoHistoryError, WatchNotFoundError
from arbvault.history.records import RECORDS_CURSOR_KEYS, cursor_day, latest_point, list_points, product_asin
from arbvault.history.targets import tracking_targets
from arbvault.history.tracker import TrackerReport, run_tracker
from arbvault.history.trends import Trend, trend
from arbvault.history.watchlist import WatchAdded, add_watch, list_watches, remove_watch

__all__ = [
    "RECORDS_CURSOR_KEYS",
    "NoHistoryError",
    "TrackerReport",
    "Trend",
    "WatchAdded",
    "WatchNotFoundError",
    "add_watch",
    "cursor_day",
    "latest_point",
    "list_points",
    "list_watches",
    "product_asin",
    "remove_watch",
    "run_tracker",
    "tracking_targets",
    "trend",
    "window_start",
]
