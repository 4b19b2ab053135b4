"""Import: valid files create cells; one bad feature and nothing is imported, every offender named."""
import json

import pytest
from django.core.management import CommandError, call_command

from bureau.audit.models import AuditEntry
from grids import imports
from grids.models import Community, GridCell, Street

from .conftest import D, collection, feature, rect, two_by_two

pytestmark = pytest.mark.django_db


def test_valid_file_creates_cells_streets_and_communities(bureau_user):
    # given
    data = two_by_two()

    # when
    report = imports.grid_import(acting_user=bureau_user, collection=data, source="t.geojson")

    # then
    assert report.ok and report.created == 4 and report.updated == 0
    assert sorted(GridCell.objects.values_list("code", flat=True)) == [f"{D}001001{n:03d}" for n in range(1, 5)]
    street = Street.objects.get(code="001")
    assert street.name == "古南街道" and street.kind == "street"
    assert Community.objects.get(street=street, code="001").name == "古南社区"
    cell = GridCell.objects.get(code=f"{D}001001001")
    assert 10_500 < cell.area_m2 < 11_500  # 0.001° square at 27.1°N
    assert AuditEntry.objects.filter(action="grids.import", actor=bureau_user).exists()


def test_reimport_updates_instead_of_duplicating(bureau_user):
    # given
    imports.grid_import(acting_user=bureau_user, collection=two_by_two())
    data = two_by_two()
    data["features"][0]["properties"]["land_use"] = "商业服务业用地"

    # when
    report = imports.grid_import(acting_user=bureau_user, collection=data)

    # then
    assert (report.created, report.updated) == (0, 4)
    assert GridCell.objects.get(code=f"{D}001001001").land_use == "商业服务业用地"


def test_town_codes_make_towns(bureau_user):
    imports.grid_import(acting_user=bureau_user, collection=collection(
       feature(f"{D}101001001", rect(0, 0), street_name="兴桥镇", community_name="兴桥村")))
    assert Street.objects.get(code="101").kind == "town"


def test_one_overlap_one_self_intersection_one_wrong_code_imports_nothing_and_names_each(bureau_user):
    # given: two good cells, one overlapping the first, one bow-tie, one code with another district's prefix
    bowtie = {"type": "Polygon", "coordinates": [[[115.01, 27.1], [115.011, 27.101], [115.011, 27.1],
                                                  [115.01, 27.101], [115.01, 27.1]]]}
    data = collection(
        feature(f"{D}001001001", rect(0, 0)),
        feature(f"{D}001001002", rect(1, 0)),
        feature(f"{D}001001003", rect(0.5, 0)),  # half over 001 and half over 002
        feature(f"{D}001001004", bowtie),
        feature("360803001001005", rect(5, 5)),  # wrong district prefix
        feature(f"{D}00100100", rect(6, 6)),  # 14 digits
    )

    # when
    with pytest.raises(imports.GridImportError) as caught:
        imports.grid_import(acting_user=bureau_user, collection=data)

    # then: nothing at all was written
    assert GridCell.objects.count() == 0 and Street.objects.count() == 0
    errors = caught.value.report.errors
    by_code = {}
    for e in errors:
        by_code.setdefault(e["code"], set()).add(e["reason"])
    assert by_code[f"{D}001001003"] == {"overlap"}
    assert "overlap" in by_code[f"{D}001001001"] and "overlap" in by_code[f"{D}001001002"]
    assert by_code[f"{D}001001004"] == {"invalid_polygon"}
    assert by_code["360803001001005"] == {"code_prefix"}
    assert by_code[f"{D}00100100"] == {"code_format"}
    # each message in Chinese and English, naming the other cell for an overlap
    overlap = next(e for e in errors if e["code"] == f"{D}001001003")
    assert "重叠" in overlap["message"] and "overlaps" in overlap["message"] and f"{D}001001001" in overlap["message"]
    bad = next(e for e in errors if e["code"] == f"{D}001001004")
    assert "多边形无效" in bad["message"] and "Self-intersection" in bad["message"]


def test_overlap_with_a_stored_cell_is_an_error(bureau_user):
    # given
    imports.grid_import(acting_user=bureau_user, collection=two_by_two())

    # when / then
    with pytest.raises(imports.GridImportError) as caught:
        imports.grid_import(acting_user=bureau_user, collection=collection(feature(f"{D}001001009", rect(1, 1))))
    assert [(e["code"], e["reason"]) for e in caught.value.report.errors] == [(f"{D}001001009", "overlap")]
    assert GridCell.objects.count() == 4


def test_overlap_within_tolerance_is_accepted(bureau_user):
    # given: the second cell overlaps the first by 5e-8° × 0.001° ≈ 0.55 m²
    a = rect(0, 0)
    b = {"type": "Polygon", "coordinates": [[[115.00099995, 27.1], [115.002, 27.1], [115.002, 27.101],
                                            [115.00099995, 27.101], [115.00099995, 27.1]]]}

    # when
    report = imports.grid_import(acting_user=bureau_user, collection=collection(
       feature(f"{D}001001001", a), feature(f"{D}001001002", b)))

    # then
    assert report.created == 2


def test_duplicate_codes_bad_parts_and_non_polygons_are_named(bureau_user):
    data = collection(
        feature(f"{D}001001001", rect(0, 0)),
        feature(f"{D}001001001", rect(3, 3)),
        feature(f"{D}000001002", rect(4, 4)),
        feature(f"{D}001001003", {"type": "Point", "coordinates": [115.0, 27.1]}),
        {"type": "Feature", "geometry": rect(8, 8), "properties": {}},
    )
    with pytest.raises(imports.GridImportError) as caught:
        imports.grid_import(acting_user=bureau_user, collection=data)
    reasons = {(e["feature"], e["reason"]) for e in caught.value.report.errors}
    assert (2, "duplicate_code") in reasons
    assert (3, "code_parts") in reasons
    assert (4, "not_polygon") in reasons
    assert (5, "code_missing") in reasons


def test_cell_outside_its_community_boundary_is_an_error(bureau_user):
    # given: the community's boundary is the 2×2 square; one cell sticks out of it
    boundaries = collection({"type": "Feature", "geometry": rect(0, 0, 2, 2),
                             "properties": {"code": f"{D}001001"}})
    data = two_by_two()
    data["features"].append(feature(f"{D}001001005", rect(2, 0)))

    # when
    with pytest.raises(imports.GridImportError) as caught:
        imports.grid_import(acting_user=bureau_user, collection=data, boundaries=boundaries)

    # then
    assert [(e["code"], e["reason"]) for e in caught.value.report.errors] == [(f"{D}001001005", "outside_community")]


def test_gaps_in_a_community_are_reported(bureau_user):
    # given: a boundary of 3×1 cells covered by only two of them
    boundaries = collection({"type": "Feature", "geometry": rect(0, 0, 3, 1), "properties": {"code": "001001"}})
    data = collection(feature(f"{D}001001001", rect(0, 0)), feature(f"{D}001001002", rect(1, 0)))

    # when
    report = imports.grid_import(acting_user=bureau_user, collection=data, boundaries=boundaries)

    # then: imported, with a gap warning of about one cell's area
    assert report.created == 2
    assert [w["reason"] for w in report.warnings] == ["gap"]
    assert "001001" in report.warnings[0]["message"]
    assert Community.objects.get(code="001").boundary is not None


def test_hole_without_boundary_is_reported_as_gap(bureau_user):
    data = collection(*[feature(f"{D}001001{n:03d}", rect(c, r)) for n, (c, r) in enumerate(
        [(0, 0), (1, 0), (2, 0), (0, 1), (2, 1), (0, 2), (1, 2), (2, 2)], start=1)])
    report = imports.grid_import(acting_user=bureau_user, collection=data)
    assert [w["reason"] for w in report.warnings] == ["gap"]


def test_not_a_feature_collection(bureau_user):
    with pytest.raises(imports.GridImportError) as caught:
        imports.grid_import(acting_user=bureau_user, collection={"type": "Feature"})
    assert caught.value.report.errors[0]["reason"] == "not_collection"


def test_officer_may_not_import(two_streets):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        imports.grid_import(acting_user=two_streets["officer_a1"], collection=two_by_two("003"))


def test_command_imports_a_file(tmp_path, capsys):
    # given
    path = tmp_path / "cells.geojson"
    path.write_text(json.dumps(two_by_two()), encoding="utf-8")

    # when
    call_command("import_grids", str(path))

    # then
    assert GridCell.objects.count() == 4
    assert "4 created" in capsys.readouterr().out


def test_command_refuses_a_bad_file_and_prints_every_offender(tmp_path, capsys):
    # given
    data = two_by_two()
    data["features"][1]["properties"]["code"] = "12345"
    data["features"][2]["geometry"] = rect(0, 1)  # on top of the first cell
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")

    # when
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_grids", str(path))

    # then
    err = capsys.readouterr().err
    assert "[12345]" in err and "15 位数字" in err and "15 digits" in err
    assert f"[{D}001001003]" in err and f"[{D}001001001]" in err and "overlaps" in err
    assert GridCell.objects.count() == 0


def test_command_rejects_unreadable_json(tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_grids", str(path))


def test_admin_upload_uses_the_same_import(admin_user, client, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # given
    client.force_login(admin_user)
    good = SimpleUploadedFile("cells.geojson", json.dumps(two_by_two()).encode(), "application/geo+json")

    # when
    response = client.post("/admin/grids/gridcell/import/", {"file": good})

    # then
    assert response.status_code == 302
    assert GridCell.objects.count() == 4


def test_admin_upload_shows_every_offender(admin_user, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin_user)
    data = two_by_two("002")
    data["features"][0]["properties"]["code"] = "360802002001"
    bad = SimpleUploadedFile("bad.geojson", json.dumps(data).encode(), "application/geo+json")
    response = client.post("/admin/grids/gridcell/import/", {"file": bad})
    assert response.status_code == 200
    assert "360802002001" in response.content.decode() and GridCell.objects.count() == 0
    assert client.get("/admin/grids/gridcell/").status_code == 200
    assert client.get("/admin/grids/gridcell/import/").status_code == 200
