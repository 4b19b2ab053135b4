"""Scheme edits in the admin make a new version; the edited row and rankings under it stay unchanged."""
import json

import pytest
from django.test import Client

from inspections.models import ScoringScheme

pytestmark = pytest.mark.django_db


def test_editing_a_scheme_in_the_admin_saves_a_new_version(admin_user):
    # given
    client = Client()
    client.force_login(admin_user)
    v1 = ScoringScheme.objects.current("default")
    bands = [{"grade": "A", "min": "85"}, {"grade": "B", "min": "70"}, {"grade": "C", "min": "0"}]

    # when
    response = client.post(f"/admin/inspections/scoringscheme/{v1.pk}/change/", {
        "name": "2027 考评方案", "weights": json.dumps(v1.weights), "deductions": json.dumps(v1.deductions),
        "grade_bands": json.dumps(bands), "extra_indicators": "[]", "note": "放宽等级",
    })

    # then
    assert response.status_code == 302
    assert list(ScoringScheme.objects.filter(code="default").values_list("version", flat=True)) == [2, 1]
    v1_after = ScoringScheme.objects.get(pk=v1.pk)
    assert v1_after.name == v1.name and v1_after.grade_bands == v1.grade_bands
    assert ScoringScheme.objects.current("default").grade_bands == bands


def test_an_invalid_scheme_is_refused_in_the_admin(admin_user):
    client = Client()
    client.force_login(admin_user)
    v1 = ScoringScheme.objects.current("default")
    response = client.post(f"/admin/inspections/scoringscheme/{v1.pk}/change/", {
        "name": "x", "weights": json.dumps([{"indicator": "nonsense", "weight": "1"}]), "deductions": "{}",
        "grade_bands": json.dumps(v1.grade_bands), "extra_indicators": "[]", "note": "",
    })
    assert response.status_code == 200  # the form again, with the error
    assert ScoringScheme.objects.filter(code="default").count() == 1


def test_published_rankings_are_read_only_in_the_admin(admin_user):
    client = Client()
    client.force_login(admin_user)
    assert client.get("/admin/inspections/ranking/").status_code == 200
    assert client.get("/admin/inspections/ranking/add/").status_code == 403
