"""factory_boy factories shared by every app's tests. Cells are 0.001° squares laid on a grid."""
import itertools

import factory
from django.conf import settings
from django.utils import timezone

from bureau.accounts.choices import Role
from bureau.accounts.models import User
from grids.models import Community, GridCell, OfficerAssignment, Street, StreetLeaderAssignment

BASE_LNG, BASE_LAT, STEP = 115.0, 27.1, 0.001
_cell_slot = itertools.count()


def square(col: int, row: int):
    """A GeoJSON Polygon: the cell at column `col`, row `row` of the test grid."""
    x0, y0 = BASE_LNG + col * STEP, BASE_LAT + row * STEP
    x1, y1 = x0 + STEP, y0 + STEP
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def centre_of(cell: GridCell):
    """(lat, lng) of the middle of a test cell."""
    ring = cell.geometry["coordinates"][0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return (min(ys) + max(ys)) / 2, (min(xs) + max(xs)) / 2


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.BUREAU
    password = factory.PostGenerationMethodCall("set_password", "pw-test-2026")


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{n + 1:03d}")
    name = factory.LazyAttribute(lambda o: f"测试街道{o.code}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    code = factory.Sequence(lambda n: f"{n % 999 + 1:03d}")
    name = factory.LazyAttribute(lambda o: f"测试社区{o.code}")


class GridCellFactory(factory.django.DjangoModelFactory):
    """A cell in its own slot of the test grid (no overlaps), coded from its community."""

    class Meta:
        model = GridCell

    class Params:
        slot = factory.LazyFunction(lambda: next(_cell_slot))

    community = factory.SubFactory(CommunityFactory)
    street = factory.LazyAttribute(lambda o: o.community.street)
    # Sequence numbers 001-998: tests use 999 as the code of a cell that does not exist, which a long session's
    # slot counter would otherwise reach.
    code = factory.LazyAttribute(
        lambda o: f"{settings.DISTRICT_CODE}{o.community.street.code}{o.community.code}{o.slot % 998 + 1:03d}"
    )
    geometry = factory.LazyAttribute(lambda o: square(o.slot % 100, o.slot // 100))
    area_m2 = 11000.0


def make_leader(street: Street, username: str | None = None) -> User:
    user = UserFactory(username=username or f"leader-{street.code}", role=Role.LEADER)
    StreetLeaderAssignment.objects.create(street=street, user=user, start=timezone.now() - timezone.timedelta(days=1))
    return user


def make_officer(cells, username: str | None = None) -> User:
    cells = list(cells)
    user = UserFactory(username=username or f"officer-{cells[0].code}", role=Role.OFFICER)
    for cell in cells:
        OfficerAssignment.objects.create(cell=cell, officer=user, start=timezone.now() - timezone.timedelta(days=1))
    return user
