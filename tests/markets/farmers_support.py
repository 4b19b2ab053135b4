"""Makers for farmers-market tests, through the services."""
from tests.factories import centre_of


def make_market(user, place, side="a", name=None, with_station=True):
    from markets.farmers import services

    street = place[side]
    station = None
    if with_station:
        station = services.station_create(acting_user=user, street=street, name=f"{street.name}管理站{name or ''}",
                                          head="站长", phone="0796-8221234")
    lat, lng = centre_of(place[f"{side}1"])
    return services.farmers_market_register(
        acting_user=user, street=street, name=name or f"{street.name}农贸市场", address="井冈山大道 8 号", lat=lat,
        lng=lng, operator_name=f"{street.name}市场开发有限公司", grid=place[f"{side}1"], station=station)
