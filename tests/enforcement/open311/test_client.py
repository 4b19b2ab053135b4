"""Open311 clients nobody here wrote, unchanged, against the live server.

Reads: the PyPI client `georeport` 0.3.1 reads services, a service definition, requests with filters and
one request, in JSON and in XML. It has no way to file a request: it defines no POST method at all (its
README: "does not currently support the creation of new 311 service requests"), so it cannot post to any
server, however conforming. The two older PyPI clients that do define a POST (`three` 0.8.0 and `open311`
1.1, Code for America, 2011-2013) are Python 2 only and do not import on Python 3. The POST is therefore
made by `civicbot` 0.4.0 (MIT, maintained, pure standard library): its `Open311Client.create_request`
fetches our services and the service definition, checks the payload against them (required attributes,
list values, the 4,000-character description), and sends the specification's form-encoded POST with
`api_key`; the filed request is then read back through both clients.
"""
from datetime import UTC, datetime, timedelta

import pytest
from civicbot.http import HttpError
from civicbot.open311 import Open311Client
from civicbot.registry import Endpoint
from georeport import GeoReport

from enforcement.models import Case
from tests.factories import centre_of


def _civicbot(root):
    return Open311Client(Endpoint(id="bureau", name="区城管局", base_url=root, write=True),
                         jurisdiction_id="360802")


@pytest.mark.timeout(120)
def test_georeport_reads_everything_and_civicbot_posts_a_request(live_server, place, key, report):
    # given one supervision case already in the district
    existing = report(category="09006")
    root = f"{live_server.url}/open311/v2"
    now = datetime.now(UTC)
    lat, lng = centre_of(place["a2"])

    # when an integrator files a request with its key through an unchanged client, which first checks the
    # payload against the live service list and definition
    filed = _civicbot(root).create_request(
        "09006", dry_run=False, confirm="SEND", api_key=key.secret, validate_remote=True, lat=lat, lng=lng,
        attributes={"goods": "food"}, description="人行道上摆摊卖小吃", phone="13900001111")

    # then the answer is the specification's list with the id, and the id is a case of source open311
    assert filed.form["api_key"] == key.secret and "attribute[goods]" in filed.form
    number = filed.response[0]["service_request_id"]
    assert filed.response[0]["service_notice"]
    assert Case.objects.get(number=number).source == "open311"
    assert _civicbot(root).get_request(number)["service_code"] == "09006"
    # a wrong key is refused with the specification's 403 and error list
    with pytest.raises(HttpError) as refused:
        _civicbot(root).create_request("06010", dry_run=False, confirm="SEND", api_key="wrong", lat=lat, lng=lng)
    assert refused.value.status == 403
    assert '"code":403' in refused.value.body.replace(" ", "")

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
