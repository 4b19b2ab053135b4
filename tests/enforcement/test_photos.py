"""Broken pictures are a 400 with nothing stored, never a 500."""
import io
import struct
import zlib

import pytest

from enforcement.models import Case, CasePhoto
from tests.factories import centre_of

pytestmark = pytest.mark.django_db


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width, height, *, pixels=b"\x00" * 10) -> io.BytesIO:
    """A PNG whose header is valid (so a type sniff and PIL's verify() pass) and whose pixel data is `pixels`."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    out = io.BytesIO(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(pixels))
                     + _chunk(b"IEND", b""))
    out.name = "photo.png"
    return out


@pytest.mark.parametrize("photo", [
    pytest.param(lambda: png(40, 30), id="truncated pixel data"),
    pytest.param(lambda: png(60000, 60000), id="decompression bomb"),
    pytest.param(lambda: png(10000, 9000), id="over the pixel limit"),
])
def test_broken_picture_is_400_and_nothing_stored(bureau_client, place, photo):
    # given
    lat, lng = centre_of(place["a1"])
    body = {"category": "06010", "lat": lat, "lng": lng, "description": "垃圾", "source": "supervision",
            "photos": [photo()]}

    # when
    response = bureau_client.post("/api/v1/cases/", body, format="multipart")

    # then
    assert response.status_code == 400, response.content
    assert "photos" in response.json()
    assert Case.objects.count() == 0 and CasePhoto.objects.count() == 0


def test_a_good_png_is_kept_with_its_display_copy(bureau_client, place):
    # given a complete 4x3 RGB picture
    lat, lng = centre_of(place["a1"])
    rows = b"".join(b"\x00" + b"\x10\x20\x30" * 4 for _ in range(3))
    body = {"category": "06010", "lat": lat, "lng": lng, "description": "垃圾", "source": "supervision",
            "photos": [png(4, 3, pixels=rows)]}

    # when
    response = bureau_client.post("/api/v1/cases/", body, format="multipart")

    # then
    assert response.status_code == 201, response.content
    photo = CasePhoto.objects.get()
    assert photo.content_type == "image/png" and photo.display_file.size > 0
