"""A resident's photo, checked and cleaned before anything is stored.

Accepted: JPEG, PNG and WebP up to ``MAX_BYTES`` (10 MB) and ``MAX_PIXELS``.
HEIC is not: phones' browsers send a JPEG when the form's ``accept`` names
JPEG, and decoding HEIC needs a library Frontdoor does not carry.

A file is an image only if Pillow decodes it entirely, whatever its name or
declared type says, so a script renamed ``photo.jpg`` is refused, and so is a
file whose first bytes are an image's but whose rest is not. Every photo is
then re-encoded from its pixels (turned upright first), which drops all of its
metadata: EXIF with the GPS position, the camera's serial number, comments.
Only when the resident chose to share the location do we read the GPS
position, before re-encoding, and keep just the two coordinates as fields.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 48-megapixel phone sensor bins to 12; bigger is a bomb
LONGEST_SIDE = 2560  # what is kept: enough to see the problem, small to store
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
ACCEPT = ",".join(FORMATS.values())
_GPS_IFD = 0x8825


class PhotoRefused(ValueError):
    """Why a photo cannot be taken; ``code`` picks the resident's sentence."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code  # empty, too_large, not_image, wrong_type, too_many_pixels


@dataclass(frozen=True, slots=True)
class CleanPhoto:
    data: bytes  # re-encoded, no metadata
    content_type: str
    width: int
    height: int
    latitude: float | None = None  # only when the resident shared the location
    longitude: float | None = None


def clean_photo(data: bytes, *, keep_location: bool = False) -> CleanPhoto:
    """The photo re-encoded without metadata, or PhotoRefused."""
    if not data:
        raise PhotoRefused("empty")
    if len(data) > MAX_BYTES:
        raise PhotoRefused("too_large", f"{len(data)} bytes")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=list(FORMATS))
            kind = probe.format or ""
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoRefused("too_many_pixels", f"{probe.width}x{probe.height}")
            probe.verify()  # the whole file's structure, not just its first bytes
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            image.load()  # and every pixel decodes
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRefused("too_many_pixels", str(exc)) from exc
    except UnidentifiedImageError as exc:
        raise PhotoRefused("not_image", str(exc)) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PhotoRefused("not_image", str(exc)) from exc
    if kind not in FORMATS:
        raise PhotoRefused("wrong_type", kind)
    latitude = longitude = None
    if keep_location:
        latitude, longitude = gps_position(image)
    upright = ImageOps.exif_transpose(image) or image
    upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    out = io.BytesIO()
    if kind == "PNG":
        # a fresh PNG carries no text chunks, EXIF or ICC unless asked
        upright.save(out, format="PNG", optimize=True)
    else:
        kind = "JPEG" if kind == "JPEG" or upright.mode not in ("RGBA", "LA") else "WEBP"
        rgb = upright if kind == "WEBP" else upright.convert("RGB")
        rgb.save(out, format=kind, quality=85)  # no exif=, no icc_profile=: nothing carried
    return CleanPhoto(
        data=out.getvalue(),
        content_type=FORMATS[kind],
        width=upright.width,
        height=upright.height,
        latitude=latitude,
        longitude=longitude,
    )


def gps_position(image: Image.Image) -> tuple[float | None, float | None]:
    """Latitude and longitude from the photo's EXIF GPS block, if it has one."""
    try:
        gps = image.getexif().get_ifd(_GPS_IFD)
        lat = _degrees(gps[2], gps.get(1, "N"), "S")
        lon = _degrees(gps[4], gps.get(3, "E"), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return round(lat, 6), round(lon, 6)


def _degrees(parts: tuple[float, float, float], ref: object, negative: str) -> float:
    d, m, s = (float(p) for p in parts)
    value = d + m / 60 + s / 3600
    text = ref.decode() if isinstance(ref, bytes) else str(ref)
    return -value if text.strip().upper() == negative else value
