"""The Keepa HTTP client: sync httpx, one per execution environment, speaking Keepa's wire format directly.

We do not use the ``keepa`` PyPI package: it pulls numpy and pandas (cold-start weight on Lambda), converts
the csv histories we need raw, and sleeps inside the call on 429 (a Lambda must hand the wait to the queue).

What it does: chunks lookups into requests of at most 100 (ASINs and ISBN-10s by ``asin``, ISBN-13s by
``code``), asks for gzip, retries connection failures, timeouts and 5xx with bounded exponential backoff,
raises ``TokensExhaustedError`` on 429 and ``KeepaRequestError`` on 400/402, and records the token balance of
every envelope (``balance``), so checking it costs nothing; ``token_status()`` asks ``/token`` (free).

Inside a Lambda invocation every attempt, and every wait between attempts, fits in the time the invocation has
left (``arbvault.deadline``): no attempt starts with less than ``MIN_ATTEMPT_SECONDS`` (0.5 s) left, and each waits at
most until the deadline. The Product Finder (``/query``) is billed per call, so it is retried only when the
request never left (the connection could not be opened), never after a timeout or a 5xx that Keepa may have
charged for.

The access key comes from ``KEEPA_API_KEY``, else the Secrets Manager secret ``KEEPA_SECRET_ARN`` (a plain
string or JSON ``{"api_key": "..."}``), read through Powertools Parameters, which caches it for
``SECRET_CACHE_SECONDS``; boto3 is imported only on that path. The key is never logged and never put into an
error message.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import orjson

from arbvault.bounds import keepa_domain
from arbvault.deadline import seconds_left
from arbvault.exceptions import ConfigurationError, InvalidInputError
from arbvault.identifiers import Identifier, normalise, split_by_lookup
from arbvault.keepa.exceptions import KeepaRequestError, KeepaUnavailableError, TokensExhaustedError
from arbvault.keepa.parsing import is_found, parse_product
from arbvault.keepa.results import (
    BestSellers,
    FinderResult,
    KeepaCategory,
    ProductLookup,
    RawProductLookup,
    parse_best_sellers,
    parse_categories,
)
from arbvault.keepa.tokens import REFILL_PERIOD_MS, TokenBalance
from arbvault.observability import logger
from arbvault.settings import Settings, get_settings

MAX_PRODUCTS_PER_REQUEST = 100
MAX_CATEGORIES_PER_REQUEST = 10
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
"""Offer fetches take Keepa 2-20 s, so reads get 30 s; a connection that takes 5 s is retried instead."""
MIN_ATTEMPT_SECONDS = 0.5
"""An attempt is not started with less time than this left before the invocation's deadline."""

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to retry connection failures, timeouts and 5xx answers."""

    attempts: int = 4
    base_delay: float = 0.25
    max_delay: float = 4.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.base_delay < 0 or self.max_delay < self.base_delay:
            raise ValueError("RetryPolicy needs attempts >= 1 and 0 <= base_delay <= max_delay")

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed ``attempt`` (1-based): doubling, capped, with jitter in its upper half."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return ceiling / 2 + random.random() * ceiling / 2


class _Retryable(Exception):
    """A failure worth another attempt; carries the error to raise if none is left. ``sent``: whether the
    request may have reached Keepa (and been billed)."""

    def __init__(self, error: KeepaUnavailableError, *, sent: bool = True) -> None:
        super().__init__(error.message)
        self.error = error
        self.sent = sent


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _flag(value: bool) -> int:
    return 1 if value else 0


class KeepaClient:
    """A Keepa API client for one marketplace (``domain``, 1 = amazon.com).

    ``api_key`` is the key or a callable returning it (called per request, so a rotated secret is picked up
    once its cache expires). Pass ``http_client`` to supply the ``httpx.Client`` (it is then not closed here).
    """

    def __init__(
        self,
        *,
        api_key: str | Callable[[], str],
        base_url: str,
        domain: int = 1,
        http_client: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    ) -> None:
        keepa_domain(domain)
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("base_url must be an http(s) URL")
        self._api_key = api_key
        self._base_url = base_url.rstrip("/")
        self._domain = domain
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(timeout=timeout)
        self._retry = retry or RetryPolicy()
        self._balance: TokenBalance | None = None

    @property
    def balance(self) -> TokenBalance | None:
        """The balance reported by the last envelope (``None`` before the first call); see ``estimate()``."""
        return self._balance

    def close(self) -> None:
        """Close the connection pool if this client created it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> KeepaClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ endpoints
    def token_status(self) -> TokenBalance:
        """The current balance from ``/token`` (costs no token)."""
        self._request("GET", "token", {})
        assert self._balance is not None  # _request rejects envelopes without tokensLeft
        return self._balance

    def fetch_raw_products(
        self,
        identifiers: Iterable[str | Identifier],
        *,
        stats: int | str | None = 90,
        offers: int | None = None,
        buybox: bool = False,
        history: bool = True,
        rating: bool = False,
        days: int | None = None,
        update: int | None = None,
    ) -> RawProductLookup:
        """Raw product objects for ``identifiers`` (normalised and de-duplicated), at most 100 per request.

        ``stats`` is a day count or Keepa's ``start,end`` form; ``offers`` (20-100) fetches live offers (6 tokens
        per page of 10 instead of 1); ``buybox`` adds buy-box data (+2 tokens). Raises ``InvalidIdentifierError``
        before any request, ``TokensExhaustedError`` on 429 (products fetched by earlier requests are lost, their
        tokens spent), ``KeepaRequestError`` on 400, ``KeepaUnavailableError`` when retries run out.
        """
        wanted = self._identifiers(identifiers)
        params = self._product_params(stats=stats, offers=offers, buybox=buybox, history=history, rating=rating,
                                      days=days, update=update)
        found: dict[str, dict[str, Any]] = {}
        consumed = 0
        by_asin, by_code = split_by_lookup(wanted)
        for chunk in _chunks(by_asin, MAX_PRODUCTS_PER_REQUEST):
            body = self._request("GET", "product", {**params, "asin": ",".join(i.value for i in chunk)})
            consumed += int(body.get("tokensConsumed") or 0)
            for product in body.get("products") or []:
                asin = str(product.get("asin") or "").upper()
                if is_found(product):
                    found[asin] = product
        for chunk in _chunks(by_code, MAX_PRODUCTS_PER_REQUEST):
            codes = [i.value for i in chunk]
            # code-limit=1: a code may match several ASINs and Keepa charges per product returned.
            body = self._request("GET", "product", {**params, "code": ",".join(codes), "code-limit": 1})
            consumed += int(body.get("tokensConsumed") or 0)
            for product in body.get("products") or []:
                for ean in product.get("eanList") or []:
                    if ean in codes and ean not in found and is_found(product):
                        found[ean] = product
        ordered = {i.value: found[i.value] for i in wanted if i.value in found}
        missing = tuple(i.value for i in wanted if i.value not in found)
        return RawProductLookup(found=ordered, missing=missing, tokens_consumed=consumed, balance=self._balance)

    def get_products(self, identifiers: Iterable[str | Identifier], **options: Any) -> ProductLookup:
        """Parsed ``KeepaProduct`` values; the same options and errors as ``fetch_raw_products``."""
        raw = self.fetch_raw_products(identifiers, **options)
        return ProductLookup(
            found={key: parse_product(product) for key, product in raw.found.items()},
            missing=raw.missing, tokens_consumed=raw.tokens_consumed, balance=raw.balance,
        )

    def product_finder(self, selection: Mapping[str, Any]) -> FinderResult:
        """One page of Product Finder results for a ``selection`` document (sent as the JSON body of ``/query``).

        Costs 10 tokens plus 1 per 100 ASINs returned.
        """
        if not isinstance(selection, Mapping) or not selection:
            raise InvalidInputError("the product finder needs at least one filter")
        body = self._request("POST", "query", {"domain": self._domain}, json_body=dict(selection), billed=True)
        return FinderResult(asins=tuple(body.get("asinList") or ()), total_results=int(body.get("totalResults") or 0),
                            tokens_consumed=int(body.get("tokensConsumed") or 0))

    def best_sellers(self, category: int | str, *, range_days: int | None = None) -> BestSellers:
        """The best-seller list of a category id or product group (50 tokens; free when Keepa has none)."""
        params: dict[str, Any] = {"domain": self._domain, "category": category}
        if range_days is not None:
            if range_days not in (0, 30, 90, 180):
                raise InvalidInputError("range_days must be 0, 30, 90 or 180")
            params["range"] = range_days
        return parse_best_sellers(self._request("GET", "bestsellers", params))

    def categories(self, category_ids: Iterable[int], *, parents: bool = False) -> dict[int, KeepaCategory]:
        """Category objects by id (1 token per request of up to 10 ids); ``parents`` adds every ancestor."""
        ids = list(dict.fromkeys(int(c) for c in category_ids))
        result: dict[int, KeepaCategory] = {}
        for chunk in _chunks(ids, MAX_CATEGORIES_PER_REQUEST):
            body = self._request("GET", "category", {"domain": self._domain, "category": ",".join(map(str, chunk)),
                                                      "parents": _flag(parents)})
            result.update(parse_categories(body))
        return result

    # ------------------------------------------------------------------ plumbing
    @staticmethod
    def _identifiers(identifiers: Iterable[str | Identifier]) -> list[Identifier]:
        items = [i if isinstance(i, Identifier) else normalise(i) for i in identifiers]
        return list(dict.fromkeys(items))

    def _product_params(self, *, stats: int | str | None, offers: int | None, buybox: bool, history: bool,
                        rating: bool, days: int | None, update: int | None) -> dict[str, Any]:
        params: dict[str, Any] = {"domain": self._domain, "history": _flag(history)}
        if stats is not None:
            if isinstance(stats, int) and stats <= 0:
                raise InvalidInputError("stats must be a positive number of days or 'start,end'")
            params["stats"] = stats
        if offers is not None:
            if not 20 <= offers <= 100:
                raise InvalidInputError("offers must be between 20 and 100")
            params["offers"] = offers
        if buybox:
            params["buybox"] = 1
        if rating:
            params["rating"] = 1
        if days is not None:
            if days <= 0:
                raise InvalidInputError("days must be positive")
            params["days"] = days
        if update is not None:
            params["update"] = update
        return params

    def _key(self) -> str:
        return self._api_key() if callable(self._api_key) else self._api_key

    def _attempt_timeout(self, endpoint: str) -> httpx.Timeout:
        """This attempt's timeouts: the HTTP client's, cut to the time left before the invocation's deadline."""
        left = seconds_left()
        if left is None:
            return self._http.timeout
        if left < MIN_ATTEMPT_SECONDS:
            raise KeepaUnavailableError(f"no time left for Keepa /{endpoint} before the invocation's deadline",
                                        seconds_left=round(left, 3))
        configured = self._http.timeout.as_dict()
        return httpx.Timeout(**{phase: left if limit is None else min(limit, left)
                                for phase, limit in configured.items()})

    def _request(self, method: str, endpoint: str, params: Mapping[str, Any],
                 json_body: Mapping[str, Any] | None = None, *, billed: bool = False) -> dict[str, Any]:
        """One call with retries. ``billed``: Keepa charges for the call even when its answer is lost, so it is
        retried only when the request never left."""
        query = {"key": self._key(), **params}
        url = f"{self._base_url}/{endpoint}"
        for attempt in range(1, self._retry.attempts + 1):
            timeout = self._attempt_timeout(endpoint)
            started = time.perf_counter()
            try:
                try:
                    response = self._http.request(method, url, params=query, json=json_body, timeout=timeout,
                                                  headers={"Accept-Encoding": "gzip", "Accept": "application/json"})
                except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                    # The message never includes the URL, which carries the key.
                    raise _Retryable(KeepaUnavailableError(f"Keepa /{endpoint} unreachable ({type(exc).__name__})"),
                                     sent=not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))) from exc
                return self._answer(endpoint, response, time.perf_counter() - started)
            except _Retryable as failure:
                if attempt == self._retry.attempts or (billed and failure.sent):
                    raise failure.error from failure.__cause__
                delay = self._retry.delay(attempt)
                left = seconds_left()
                if left is not None and left - delay < MIN_ATTEMPT_SECONDS:
                    raise failure.error from failure.__cause__  # no time for another attempt
                logger.warning("keepa request failed; retrying", extra={
                    "endpoint": endpoint, "attempt": attempt, "retry_in_s": round(delay, 3),
                    "reason": failure.error.message})
                time.sleep(delay)
        raise AssertionError("unreachable: the loop returns or raises")

    def _answer(self, endpoint: str, response: httpx.Response, elapsed: float) -> dict[str, Any]:
        status = response.status_code
        try:
            parsed = orjson.loads(response.content)  # a hundred products are ~700 KB: 2-4x faster than json
        except ValueError:
            parsed = None
        body: dict[str, Any] = parsed if isinstance(parsed, dict) else {}
        balance = TokenBalance.from_envelope(body)
        if balance is not None:
            self._balance = balance
        logger.debug("keepa request", extra={
            "endpoint": endpoint, "status": status, "elapsed_ms": round(elapsed * 1000, 1),
            "tokens_consumed": body.get("tokensConsumed"), "tokens_left": body.get("tokensLeft")})
        if status == 429:
            # Without an envelope, wait one refill period: the bucket refills once a minute.
            raise TokensExhaustedError(refill_in_ms=int(body.get("refillIn", REFILL_PERIOD_MS)),
                                       tokens_left=int(body.get("tokensLeft", 0)),
                                       refill_rate=int(body.get("refillRate", 0)))
        if status >= 500:
            raise _Retryable(KeepaUnavailableError(f"Keepa /{endpoint} answered {status}", status=status))
        if status != 200:
            raw_error = body.get("error")
            error: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
            message = str(error.get("message") or f"Keepa rejected the request ({status})")
            raise KeepaRequestError(f"Keepa /{endpoint}: {message}", status=status, error_type=error.get("type"))
        if balance is None:
            raise _Retryable(KeepaUnavailableError(f"Keepa /{endpoint} answered 200 without a token envelope",
                                                   status=status))
        return body


_client: KeepaClient | None = None
_client_lock = threading.Lock()


def get_keepa_client() -> KeepaClient:
    """The execution environment's client, built on first use from settings (base URL, key source)."""
    global _client
    if _client is None:
        with _client_lock:
            if _client is None:
                from arbvault.settings import get_settings

                _client = KeepaClient(api_key=resolve_api_key, base_url=get_settings().keepa_base_url)
    return _client


def reset_keepa_client() -> None:
    """Close and forget the shared client (tests and the local stack change settings)."""
    global _client
    with _client_lock:
        if _client is not None:
            _client.close()
        _client = None


def key_from_secret(secret: str | bytes | dict[str, object] | None) -> str:
    """The access key inside a secret value (plain string, JSON text, or an already-decoded mapping)."""
    value: object = secret.decode() if isinstance(secret, bytes) else secret
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ConfigurationError("the Keepa secret is neither a key nor valid JSON") from exc
    if isinstance(value, dict):
        value = value.get("api_key")
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError('the Keepa secret holds no key (expected a string or {"api_key": ...})')
    return value.strip()


def resolve_api_key(settings: Settings | None = None) -> str:
    """The access key to send; raises ``ConfigurationError`` when neither source is set."""
    settings = settings or get_settings()
    if settings.keepa_api_key:
        return settings.keepa_api_key
    if not settings.keepa_secret_arn:
        raise ConfigurationError("Keepa is not configured: set KEEPA_API_KEY or KEEPA_SECRET_ARN")
    from aws_lambda_powertools.utilities import parameters  # deferred: pulls in boto3

    try:
        secret = parameters.get_secret(settings.keepa_secret_arn, max_age=settings.secret_cache_seconds)
    except parameters.GetParameterError as exc:
        raise KeepaUnavailableError("the Keepa secret could not be read") from exc
    return key_from_secret(secret)
