"""Fixtures and helpers for the construction-site tests."""
import base64
import io
from datetime import date

from PIL import Image

from inspections.models import DustCheckItem
from inspections.services.sites import site_register
from tests.factories import centre_of

SITES_URL = "/api/v1/construction-sites/"
INSPECTIONS_URL = "/api/v1/site-inspections/"
CENSUS_URL = "/api/v1/site-census/"
MUCK_URL = "/api/v1/muck-approvals/"


def jpeg() -> str:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (120, 90, 40)).save(out, format="JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


def make_site(user, cell, name="御文府", starts_on=date(2026, 3, 1), **extra):
    lat, lng = centre_of(cell)
    fields = {"developer": "吉州置业", "contractor": "江西建工", "permit_number": "360802202603010101",
              "responsible_persons": "项目经理 张三", "agreement_signed_on": date(2026, 3, 1), **extra}
    return site_register(acting_user=user, name=name, lat=lat, lng=lng, starts_on=starts_on, **fields)


def checklist(failed=(), when="2026-11-24T10:00:00+08:00", site=None, photos=True):
    """An inspection body: every active item passed, except `failed` (codes), each with a photo."""
    results = []
    for item in DustCheckItem.objects.active():
        row = {"item": item.code, "result": "failed" if item.code in failed else "passed"}
        if item.code in failed:
            row["note"] = "现场问题"
            if photos:
                row["photos"] = [jpeg()]
        results.append(row)
    body = {"inspected_at": when, "note": "例行检查", "results": results}
    if site is not None:
        body["site"] = site.pk
    return body
