"""One Keepa client per marketplace: amazon.com's is the environment's shared client, any other domain gets one
of its own per Keepa address."""

from __future__ import annotations

import pytest

from arbvault.catalog.clients import keepa_client
from arbvault.exceptions import InvalidInputError
from arbvault.keepa.client import get_keepa_client
from arbvault.web.errors import status_for
from infra.keepa_offline import OfflineKeepa
from keepa_testing import MakeKeepa, book_asins


def test_amazon_com_is_the_environments_shared_client(keepa: OfflineKeepa) -> None:
    assert keepa_client() is get_keepa_client()
    assert keepa_client(1) is keepa_client()


@pytest.mark.parametrize("domain_id", [0, 7, 13, -1, True])
def test_a_marketplace_keepa_does_not_serve_is_a_422_naming_domain_id(domain_id: int) -> None:
    with pytest.raises(InvalidInputError) as caught:
        keepa_client(domain_id)
    assert status_for(caught.value) == 422
    assert [detail["field"] for detail in caught.value.details] == ["domain_id"]


def test_another_marketplace_asks_keepa_for_its_own_domain_with_one_client(make_keepa: MakeKeepa) -> None:
    # GIVEN the offline Keepa, which describes amazon.com's books only
    keepa = make_keepa()
    (asin,) = book_asins(1)
    # WHEN the same book is looked up on amazon.co.uk and on amazon.com
    uk = keepa_client(2)
    uk_lookup = uk.fetch_raw_products([asin], stats=None, history=False)
    uk_request = keepa.requests[-1]
    us_lookup = keepa_client(1).fetch_raw_products([asin], stats=None, history=False)
    # THEN the UK client sent domain 2 and got Keepa's placeholder; amazon.com's client got the book
    assert uk_request.endpoint == "product" and uk_request.params["domain"] == "2"
    assert keepa.requests[-1].params["domain"] == "1"
    assert uk_lookup.found.get(asin, {}).get("title") is None
    assert us_lookup.found[asin]["title"]
    # and the UK client is kept for the environment, apart from other domains' and amazon.com's
    assert keepa_client(2) is uk
    assert keepa_client(3) is not uk and uk is not get_keepa_client()


def test_a_new_keepa_address_gets_a_new_client_for_the_same_domain(make_keepa: MakeKeepa) -> None:
    make_keepa()
    first = keepa_client(4)
    second_keepa = make_keepa()  # KEEPA_BASE_URL now names another server
    second = keepa_client(4)
    assert second is not first
    second.token_status()
    assert [r.endpoint for r in second_keepa.requests] == ["token"]
