"""Photos cannot stall the site: a picture of more pixels than a phone camera takes is refused from its header,
before any pixel is decoded; at most 9 photos per report or step; and the decoding happens before the
transaction begins, so no lock (SQLite's write lock, a case-number counter row) is held meanwhile."""
import base64
import io
import struct
import time
import zlib
from unittest import mock

import pytest
from django.db import connection
from PIL import Image, ImageFile

from enforcement import photos as photos_module
from enforcement.models import Case, CasePhoto
from inspections.models import PatrolReport
from tests.conftest import client_for
from tests.factories import centre_of
from tests.inspections import patrol_support
from tests.inspections.patrol_support import report_body

frozen_now = patrol_support.frozen_now


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png(width, height, rows) -> bytes:
    """A complete greyscale PNG of `width`×`height` whose compressed pixel data is `rows` (a zlib stream)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", rows) + _chunk(b"IEND", b"")


def pixel_flood() -> bytes:
    """A valid 287 KB PNG that decodes to 9000×9900 black pixels (89 Mpx: under PIL's own bomb limit).

    Built the way a deflate stream of identical flushed blocks can be, in a fraction of a second: every row
    compresses to the same 29 bytes after a full flush, and the stream ends with the Adler-32 of all rows."""
    width, height = 9000, 9900
    row = b"\x00" * (1 + width)  # filter byte + one byte per pixel
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(row) + compressor.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(height):
        adler = zlib.adler32(row, adler)
    stream = b"\x78\xda" + block * height + b"\x03\x00" + struct.pack(">I", adler)
    return _png(width, height, stream)


def small_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (16, 32, 48)).save(out, format="PNG")
    return out.getvalue()


SMALL_PNG = small_png()  # made here: PIL's save() loads, and the tests watch load()


def upload(content: bytes, name="photo.png") -> io.BytesIO:
    out = io.BytesIO(content)
    out.name = name
    return out


@pytest.fixture
def no_decoding():
    """Fails the test if any picture's pixels are decoded (PIL's load() of any format)."""
    calls = []
    real_image, real_file = Image.Image.load, ImageFile.ImageFile.load

    def spy(real):
        def load(self, *args, **kwargs):
            calls.append(self.size)
            return real(self, *args, **kwargs)
        return load

    with mock.patch.object(Image.Image, "load", spy(real_image)), \
            mock.patch.object(ImageFile.ImageFile, "load", spy(real_file)):
        yield calls


def _case_body(place, photos):
    lat, lng = centre_of(place["a1"])
    return {"category": "06010", "lat": lat, "lng": lng, "description": "垃圾", "source": "supervision",
            "photos": photos}


def _nothing_stored():
    assert Case.objects.count() == 0 and CasePhoto.objects.count() == 0 and PatrolReport.objects.count() == 0


# ---------------------------------------------------------------------------------------------- pixels


def test_the_flood_png_is_what_it_claims():
    # given the picture of the attack
    content = pixel_flood()

    # then: small to send, and a complete image of 89 million pixels
    assert 250_000 < len(content) < 320_000
    with Image.open(io.BytesIO(content)) as img:
        assert img.size == (9000, 9900)


@pytest.mark.django_db
def test_a_small_png_of_89_megapixels_is_refused_from_its_header(place, bureau_client, no_decoding):
    # given a 287 KB PNG that decodes to 9000×9900
    body = _case_body(place, [upload(pixel_flood())])

    # when
    started = time.monotonic()
    response = bureau_client.post("/api/v1/cases/", body, format="multipart")
    took = time.monotonic() - started

    # then: 400 naming the limit, no pixel decoded, nothing stored, at once
    assert response.status_code == 400, response.content
    assert "40 百万像素" in response.json()["photos"][0] and "9000×9900" in response.json()["photos"][0]
    assert no_decoding == []
    assert took < 2.0
    _nothing_stored()


@pytest.mark.django_db
def test_a_transition_with_the_flood_png_is_refused_without_decoding(place, bureau_client, report, no_decoding):
    # given a case to dispatch
    case = report()
    case.status = "registered"
    case.save(update_fields=["status"])

    # when the dispatcher attaches the flood picture
    response = bureau_client.post(f"/api/v1/cases/{case.pk}/transitions/",
                                  {"action": "dispatch", "photos": [upload(pixel_flood())]}, format="multipart")

    # then
    assert response.status_code == 400 and "photos" in response.json()
    assert no_decoding == []
    case.refresh_from_db()
    assert case.status == "registered" and CasePhoto.objects.count() == 0


@pytest.mark.django_db
def test_a_patrol_finding_with_the_flood_png_is_refused_without_decoding(place, frozen_now, no_decoding):
    # given a leader's report whose finding carries the flood picture as base64
    a1 = centre_of(place["a1"])
    flood = "data:image/png;base64," + base64.b64encode(pixel_flood()).decode()
    body = report_body(place, findings=[{"category": "06010", "lat": a1[0], "lng": a1[1], "description": "垃圾",
                                         "photos": [flood]}])

    # when
    response = client_for(place["leader_a"]).post(patrol_support.URL, body, format="json")

    # then
    assert response.status_code == 400, response.content
    assert "40 百万像素" in response.json()["findings"][0]
    assert no_decoding == []
    _nothing_stored()


# ---------------------------------------------------------------------------------------------- count


@pytest.mark.django_db
def test_ten_photos_on_a_case_are_refused_naming_the_limit(place, bureau_client, no_decoding):
    # given ten good photos
    body = _case_body(place, [upload(SMALL_PNG, f"p{n}.png") for n in range(10)])

    # when
    response = bureau_client.post("/api/v1/cases/", body, format="multipart")

    # then: refused before any is decoded
    assert response.status_code == 400, response.content
    assert "9" in response.json()["photos"][0]
    assert no_decoding == []
    _nothing_stored()


@pytest.mark.django_db
def test_nine_photos_on_a_case_are_kept(place, bureau_client):
    body = _case_body(place, [upload(SMALL_PNG, f"p{n}.png") for n in range(9)])
    response = bureau_client.post("/api/v1/cases/", body, format="multipart")
    assert response.status_code == 201, response.content
    assert CasePhoto.objects.count() == 9


@pytest.mark.django_db
def test_ten_photos_on_a_step_are_refused(place, bureau_client, report):
    case = report()
    response = bureau_client.post(f"/api/v1/cases/{case.pk}/transitions/",
                                  {"action": "register", "photos": [upload(SMALL_PNG) for _ in range(10)]},
                                  format="multipart")
    assert response.status_code == 400 and "9" in response.json()["photos"][0]
    case.refresh_from_db()
    assert case.status == "reported"


@pytest.mark.django_db
def test_the_services_refuse_ten_raw_photos_too(place, bureau_user):
    from django.core.exceptions import ValidationError

    from enforcement.services import case_report

    lat, lng = centre_of(place["a1"])
    with pytest.raises(ValidationError) as raised:
        case_report(acting_user=bureau_user, category="06010", lat=lat, lng=lng, description="垃圾",
                    source="supervision", photos=[upload(SMALL_PNG) for _ in range(10)])
    assert "photos" in raised.value.message_dict
    _nothing_stored()


@pytest.mark.django_db
def test_the_intake_page_refuses_ten_photos(place, bureau_user, client):
    # given the staff intake form with ten photos
    client.force_login(bureau_user)
    body = _case_body(place, [upload(SMALL_PNG, f"p{n}.png") for n in range(10)])

    # when
    response = client.post("/cases/new/", body)

    # then: the form shows the limit
    assert response.status_code == 400
    assert "9" in str(response.context["form"].errors["photos"])
    _nothing_stored()


# ---------------------------------------------------------------------------------------------- outside the transaction


@pytest.fixture
def decoding_in_transaction():
    """Records, for every picture decoded, whether a transaction was open at that moment."""
    seen = []
    real = photos_module.stripped_copy

    def watched(photo):
        seen.append(connection.in_atomic_block)
        return real(photo)

    with mock.patch.object(photos_module, "stripped_copy", watched):
        yield seen


@pytest.mark.django_db(transaction=True)
def test_api_decodes_photos_before_any_transaction(two_streets, decoding_in_transaction):
    # given a case report and a patrol report, each with a photo and an Idempotency-Key
    from grids.models import OfficerAssignment, StreetLeaderAssignment
    from tests.conftest import make_user

    StreetLeaderAssignment.objects.update(start=patrol_support.at(2020, 1, 1))
    OfficerAssignment.objects.update(start=patrol_support.at(2020, 1, 1))
    place = two_streets
    bureau = client_for(make_user("t-bureau", "bureau"))
    leader = client_for(place["leader_a"])
    a1 = centre_of(place["a1"])
    photo = "data:image/png;base64," + base64.b64encode(SMALL_PNG).decode()
    patrol = report_body(place, findings=[{"category": "06010", "lat": a1[0], "lng": a1[1], "description": "垃圾",
                                           "photos": [photo]}])

    # when
    created = bureau.post("/api/v1/cases/", _case_body(place, [upload(SMALL_PNG)]), format="multipart",
                          HTTP_IDEMPOTENCY_KEY="photo-case-1")
    with patrol_support.clock.frozen(patrol_support.NOW):
        filed = leader.post(patrol_support.URL, patrol, format="json", HTTP_IDEMPOTENCY_KEY="photo-patrol-1")
    stepped = bureau.post(f"/api/v1/cases/{created.json()['id']}/transitions/",
                          {"action": "register", "photos": [upload(SMALL_PNG)]}, format="multipart")

    # then: every photo was decoded while no transaction was open
    assert (created.status_code, filed.status_code, stepped.status_code) == (201, 201, 200), (
        created.content, filed.content, stepped.content)
    assert len(decoding_in_transaction) == 3
    assert decoding_in_transaction == [False, False, False]
    assert CasePhoto.objects.count() == 3
