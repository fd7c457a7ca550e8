"""Key format, entropy, display prefix and the stored digest."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from arbvault.auth.keys import KEY_PREFIX, display_prefix, generate_key, hash_key, is_well_formed

WELL_FORMED = "avk_" + "A1b2C3d4-_" * 4 + "xyz"


def test_generated_key_is_marker_plus_43_urlsafe_characters() -> None:
    key = generate_key()
    assert re.fullmatch(r"avk_[A-Za-z0-9_-]{43}", key), key
    assert len(key) == 47


def test_generated_key_carries_256_random_bits() -> None:
    body = generate_key()[len(KEY_PREFIX):]
    assert len(base64.urlsafe_b64decode(body + "=")) == 32


def test_generated_keys_do_not_repeat_and_use_the_whole_alphabet() -> None:
    keys = {generate_key() for _ in range(2000)}
    assert len(keys) == 2000
    # 2000 x 43 random characters cover all 64 symbols with overwhelming probability; a biased or
    # truncated generator would not.
    assert set("".join(k[len(KEY_PREFIX):] for k in keys)) == set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )


def test_generated_keys_are_well_formed() -> None:
    assert all(is_well_formed(generate_key()) for _ in range(200))


def test_display_prefix_is_marker_and_eight_characters() -> None:
    key = generate_key()
    prefix = display_prefix(key)
    assert prefix == key[:12] and prefix.startswith(KEY_PREFIX) and len(prefix) == 12


def test_hash_is_sha256_hex_of_the_key() -> None:
    assert hash_key("avk_abc") == hashlib.sha256(b"avk_abc").hexdigest()
    assert hash_key("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_hash_is_64_lowercase_hex_and_differs_per_key() -> None:
    a, b = generate_key(), generate_key()
    assert re.fullmatch(r"[0-9a-f]{64}", hash_key(a))
    assert hash_key(a) == hash_key(a) and hash_key(a) != hash_key(b)
    assert a not in hash_key(a)


@pytest.mark.parametrize(
    ("candidate", "ok"),
    [
        (WELL_FORMED, True),
        (WELL_FORMED[:-1], False),                 # too short
        (WELL_FORMED + "x", False),                # too long
        ("AVK_" + WELL_FORMED[4:], False),         # marker is case-sensitive
        ("avk-" + WELL_FORMED[4:], False),         # wrong marker
        (WELL_FORMED[:-1] + "=", False),           # padding is not part of the alphabet
        (WELL_FORMED[:-1] + "+", False),           # standard base64, not URL-safe
        (" " + WELL_FORMED, False),                # callers trim; the key itself has no spaces
        (WELL_FORMED[:-1] + "é", False),           # non-ASCII
        ("", False),
    ],
)
def test_is_well_formed(candidate: str, ok: bool) -> None:
    assert is_well_formed(candidate) is ok
