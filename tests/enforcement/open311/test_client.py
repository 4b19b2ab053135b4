"""An Open311 client nobody here wrote (PyPI `georeport`, unchanged) against the live server.

georeport 0.3.1 reads (services, a service definition, requests with filters, one request) in JSON and
XML; it has no method to file a request ("does not currently support the creation of new 311 service
requests", its README), so the POST is sent the way the specification defines it, form-encoded with
`api_key`, by `requests` (the HTTP library georeport itself uses), and the filed request is then read
back through georeport.
"""
from datetime import UTC, datetime, timedelta

import pytest
import requests
from georeport import GeoReport

from enforcement.models import Case
from tests.factories import centre_of


@pytest.mark.timeout(120)
def test_georeport_reads_everything_and_a_spec_post_files_a_request(live_server, place, key, report):
    # given one supervision case already in the district
    existing = report(category="09006")
    root = f"{live_server.url}/open311/v2"
    now = datetime.now(UTC)
    lat, lng = centre_of(place["a2"])

    # when an integrator files a request form-encoded with its key
    response = requests.post(f"{root}/requests.json", data={
        "api_key": key.secret, "jurisdiction_id": "360802", "service_code": "09006", "lat": lat, "long": lng,
        "attribute[goods]": "food", "description": "人行道上摆摊卖小吃", "phone": "13900001111",
    }, timeout=30)

    # then it is a case of source open311
    assert response.status_code == 201, response.text
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    number = response.json()[0]["service_request_id"]
    assert Case.objects.get(number=number).source == "open311"
    # a wrong key is refused the same way
    assert requests.post(f"{root}/requests.xml", data={"api_key": "wrong", "service_code": "06010", "lat": lat,
                                                       "long": lng}, timeout=30).status_code == 403

    for fmt in ("json", "xml"):
        client = GeoReport(root, jurisdiction="360802", output_format=fmt)
        # services
        services = {s["service_code"]: s for s in client.get_service_list()}
        assert services["09006"]["service_name"] == "占道经营"
        assert str(services["09006"]["metadata"]).lower() == "true"
        # a service definition
        definition = client.get_service_definition("09006")
        attributes = definition["attributes"]
        attributes = attributes["attribute"] if fmt == "xml" else attributes
        assert attributes[0]["code"] == "goods"
        assert str(attributes[0]["required"]).lower() == "true"
        # requests, all of them and filtered
        both = client.get_service_requests()
        assert {r["service_request_id"] for r in both} == {number, existing.number}
        only = client.get_service_requests(service_request_id=number, status="open")
        only = [only] if isinstance(only, dict) else only
        assert [r["service_request_id"] for r in only] == [number]
        window = {"start_date": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "end_date": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}
        by_code = client.get_service_requests(service_code="09006,06010", status="open,closed", **window)
        assert {r["service_request_id"] for r in by_code} == {number, existing.number}
        if fmt == "json":  # georeport's XML path cannot read an empty <service_requests/> (xmltodict gives None)
            assert client.get_service_requests(start_date="2020-01-01T00:00:00Z",
                                               end_date="2020-03-01T00:00:00Z") == []
        # one request
        one = client.get_service_request(number)
        assert one["service_request_id"] == number
        assert one["status"] == "open"
        assert one["service_code"] == "09006"
        assert one["requested_datetime"].endswith("+08:00")
        assert "13900001111" not in str(one)
