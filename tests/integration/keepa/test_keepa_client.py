"""The Keepa client against the offline Keepa server over real HTTP: chunking, gzip, tokens, errors, retries."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import httpx
import pytest

from arbvault.exceptions import ConfigurationError, InvalidInputError
from arbvault.identifiers import InvalidIdentifierError
from arbvault.keepa.client import KeepaClient, get_keepa_client, reset_keepa_client
from arbvault.keepa.exceptions import KeepaRequestError, KeepaUnavailableError, TokensExhaustedError
from arbvault.keepa.product import KeepaProduct
from infra.keepa_offline import OfflineKeepa
from keepa_testing import FAST_RETRY, MakeKeepa, book_asins, book_isbns


def _client(base_url: str, *, api_key: str = "k", **options: Any) -> KeepaClient:
    return KeepaClient(api_key=api_key, base_url=base_url, retry=FAST_RETRY, **options)


def _product_requests(keepa: OfflineKeepa, since: int) -> list:
    return [r for r in list(keepa.requests)[since:] if r.endpoint == "product"]


def test_250_identifiers_take_three_requests(offline_keepa: OfflineKeepa, keepa_client: KeepaClient) -> None:
    known, unknown = book_asins(245), book_asins(5, known=False)
    before = len(offline_keepa.requests)
    lookup = keepa_client.fetch_raw_products(known + unknown, stats=None)
    requests = _product_requests(offline_keepa, before)
    assert [len(r.params["asin"].split(",")) for r in requests] == [100, 100, 50]
    assert list(lookup.found) == known and lookup.missing == tuple(unknown)
    assert lookup.tokens_consumed == 250 == sum(r.tokens_consumed for r in requests)  # unknown ASINs cost 1 too


def test_isbn13s_go_by_code_and_asins_by_asin(offline_keepa: OfflineKeepa, keepa_client: KeepaClient) -> None:
    isbns, asins = book_isbns(3, start=1000), book_asins(2, start=2000)
    before = len(offline_keepa.requests)
    lookup = keepa_client.get_products(isbns + asins + [isbns[0]])  # duplicates are asked once
    requests = _product_requests(offline_keepa, before)
    assert [sorted(r.params) for r in requests] == [
        ["asin", "domain", "history", "stats"], ["code", "code-limit", "domain", "history", "stats"]]
    assert requests[1].params["code"].split(",") == isbns and requests[1].params["code-limit"] == "1"
    assert list(lookup.found) == isbns + asins
    assert all(isinstance(p, KeepaProduct) for p in lookup.found.values())
    assert lookup.found[isbns[0]].isbn13 == isbns[0]


def test_spec_fixtures_by_asin_and_code(keepa_client: KeepaClient) -> None:
    lookup = keepa_client.get_products(["1739104269", "978-1-63958-472-7", "0972351868"], offers=20)
    novel, textbook = lookup.found["1739104269"], lookup.found["9781639584727"]
    assert novel.offers_fetched and novel.prices.buy_box == Decimal("14.99") and novel.amazon_owns_buy_box
    assert textbook.title == "Practical Tidal Engineering, 2nd Edition" and not textbook.offers_fetched
    # offers: 6 tokens for the novel's one page; a product without offer data costs 1 (the fetch failed)
    assert lookup.tokens_consumed == 6 + 1 + 1


def test_unknown_identifiers_are_missing(keepa_client: KeepaClient) -> None:
    unknown_isbn, unknown_asin = book_isbns(1, known=False)[0], book_asins(1, known=False, start=500)[0]
    lookup = keepa_client.get_products([unknown_isbn, unknown_asin, "1739104269"])
    assert list(lookup.found) == ["1739104269"]
    assert lookup.missing == (unknown_isbn, unknown_asin)


def test_invalid_identifier_fails_before_any_request(offline_keepa: OfflineKeepa, keepa_client: KeepaClient) -> None:
    before = len(offline_keepa.requests)
    with pytest.raises(InvalidIdentifierError):
        keepa_client.get_products(["1739104269", "1739104268"])
    assert len(offline_keepa.requests) == before


@pytest.mark.parametrize("options", [{"offers": 10}, {"stats": 0}, {"days": 0}])
def test_bad_options_are_rejected(keepa_client: KeepaClient, options: dict[str, int]) -> None:
    with pytest.raises(InvalidInputError):
        keepa_client.get_products(["1739104269"], **options)


def test_client_asks_for_gzip_and_gets_it(offline_keepa: OfflineKeepa, keepa_client: KeepaClient) -> None:
    before = len(offline_keepa.requests)
    keepa_client.get_products(["1739104269"])
    assert [r.gzip for r in list(offline_keepa.requests)[before:]] == [True]


def test_balance_is_recorded_from_every_envelope(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa()  # a fresh bucket: no refill falls inside the test
    with _client(keepa.base_url) as client:
        assert client.balance is None
        lookup = client.get_products(book_asins(7, start=3000))
        balance = client.balance
    assert balance is not None and lookup.balance == balance
    assert (balance.tokens_consumed, balance.tokens_left, balance.refill_rate) == (7, 1200 - 7, 20)
    assert balance.tokens_left == keepa.bucket.peek().tokens_left
    assert 0 < balance.refill_in_ms <= 60_000 and balance.estimate() >= balance.tokens_left


def test_token_status_is_free(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=500)
    with _client(keepa.base_url) as client:
        first = client.token_status()
        second = client.token_status()
        assert client.balance == second
    assert first.tokens_left == second.tokens_left == 500 == keepa.bucket.peek().tokens_left
    assert second.tokens_consumed == 0


def test_429_carries_refill_and_the_balance_recovers(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=0, refill_rate=5, refill_period_ms=1000)
    with _client(keepa.base_url) as client:
        with pytest.raises(TokensExhaustedError) as caught:
            client.get_products(["1739104269"])
        error = caught.value
        assert 0 < error.refill_in_ms <= 1000 and error.tokens_left == 0 and error.refill_rate == 5
        assert error.retry_after_seconds == 1 and error.headers == {"Retry-After": "1"}
        assert client.balance is not None and client.balance.tokens_left == 0  # recorded from the 429 envelope
        assert [r.status for r in keepa.requests] == [429]  # not retried
        time.sleep(error.refill_in_ms / 1000 + 0.05)
        lookup = client.get_products(["1739104269"])
        assert list(lookup.found) == ["1739104269"] and lookup.balance is not None
        assert lookup.balance.tokens_left % 5 == 4  # one refill of 5, less 1 (more if the machine was slow)


def test_negative_balance_waits_for_enough_refills(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=1, refill_rate=20)
    with _client(keepa.base_url) as client:
        client.get_products(["1739104269"], offers=20)  # accepted at 1 token, costs 6: balance -5
        assert client.balance is not None and client.balance.tokens_left == -5
        with pytest.raises(TokensExhaustedError) as caught:
            client.get_products(["1639584722"])
        assert caught.value.tokens_left == -5 and caught.value.retry_after_seconds <= 60


def test_wrong_key_is_a_request_error_without_the_key(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(key="the-right-key")
    with _client(keepa.base_url, api_key="a-wrong-key") as client, pytest.raises(KeepaRequestError) as caught:
        client.get_products(["1739104269"])
    assert (caught.value.status, caught.value.error_type) == (400, "invalidKey")
    assert "a-wrong-key" not in str(caught.value) and "a-wrong-key" not in json.dumps(caught.value.details)
    assert len(keepa.requests) == 1  # a 400 is not retried


def test_5xx_is_retried(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa()
    keepa.fail_next(2, status=503)
    with _client(keepa.base_url) as client:
        lookup = client.get_products(["1739104269"])
    assert list(lookup.found) == ["1739104269"]
    assert [r.status for r in keepa.requests] == [503, 503, 200]


def test_5xx_gives_up_after_the_last_attempt(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa()
    keepa.fail_next(5, status=500)
    with _client(keepa.base_url) as client, pytest.raises(KeepaUnavailableError) as caught:
        client.token_status()
    assert caught.value.status == 500 and len(keepa.requests) == 3


def test_dropped_connection_is_retried(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa()
    keepa.drop_next(1)
    with _client(keepa.base_url) as client:
        assert client.token_status().tokens_left == 1200
    assert [r.status for r in keepa.requests] == [0, 200]


def test_timeouts_are_retried_then_reported(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(latency_ms=300)
    with _client(keepa.base_url, timeout=0.1) as client, pytest.raises(KeepaUnavailableError, match="ReadTimeout"):
        client.token_status()


def test_unreachable_server_is_unavailable(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa()
    url = keepa.base_url
    keepa.stop()
    with _client(url) as client, pytest.raises(KeepaUnavailableError, match="ConnectError"):
        client.token_status()


def test_injected_http_client_is_used_and_left_open(offline_keepa: OfflineKeepa) -> None:
    with httpx.Client() as http:
        client = KeepaClient(api_key="k", base_url=offline_keepa.base_url, http_client=http)
        client.token_status()
        client.close()
        assert not http.is_closed


def test_product_finder_best_sellers_and_categories(keepa_client: KeepaClient) -> None:
    page = keepa_client.product_finder({"rootCategory": [283155], "current_SALES_lte": 100_000, "perPage": 50})
    assert 0 < len(page.asins) <= 50 and page.total_results >= len(page.asins) and page.tokens_consumed == 11
    best = keepa_client.best_sellers(283155)
    assert best.category_id == 283155 and len(best.asins) > 50 and best.last_update is not None
    assert keepa_client.best_sellers(999_999_999).asins == ()  # no list: nothing, free
    categories = keepa_client.categories([16272, 3577], parents=True)
    assert categories[16272].name == "Time Travel" and categories[16272].parent_id == 16190
    assert categories[283155].children and 25 in categories[283155].children


def test_product_finder_needs_a_filter(keepa_client: KeepaClient) -> None:
    with pytest.raises(InvalidInputError):
        keepa_client.product_finder({})


def test_shared_client_uses_settings(keepa_env: OfflineKeepa) -> None:
    client = get_keepa_client()
    assert get_keepa_client() is client
    assert client.token_status().refill_rate == 20
    assert keepa_env.requests[-1].endpoint == "token" and "key" not in keepa_env.requests[-1].params
    reset_keepa_client()
    assert get_keepa_client() is not client


def test_shared_client_without_a_key_is_a_configuration_error(keepa_env: OfflineKeepa,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from arbvault.settings import reset_settings

    monkeypatch.delenv("KEEPA_API_KEY")
    reset_settings()
    reset_keepa_client()
    with pytest.raises(ConfigurationError, match="KEEPA_API_KEY or KEEPA_SECRET_ARN"):
        get_keepa_client().token_status()
