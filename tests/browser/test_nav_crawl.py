"""Every page the navigation links to renders for every demo role that sees the link:
no error status, no console error, no request to any host but the server, at 1280 px and at 375 px."""
import re

import pytest
from django.conf import settings
from django.core.management import call_command

from bureau.accounts.choices import Role
from bureau.accounts.models import User
from tests.browser_support import login, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [(1280, 900), (375, 740)]


def _demo_users():
    """One account per role as seed_demo makes them; leaders and officers made here if the demo has none yet."""
    call_command("seed_demo", quick=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    users, cell = {}, None
    for role, pattern in [
        (Role.ADMIN, "admin"), (Role.SECURITY, "security"), (Role.AUDITOR, "auditor"), (Role.BUREAU, "bureau"),
        (Role.API, "api"),
        (Role.LEADER, "leader-"), (Role.OFFICER, "officer-"), (Role.DEPARTMENT, "dept-HW"),
    ]:
        user = User.objects.filter(username__startswith=pattern, is_active=True).order_by("username").first()
        if user is None and role in (Role.LEADER, Role.OFFICER):
            from tests.factories import CommunityFactory, GridCellFactory, StreetFactory, make_leader, make_officer

            if cell is None:
                street = StreetFactory(code="901", name="测试街道")
                cell = GridCellFactory(community=CommunityFactory(street=street, code="901"))
            user = make_leader(cell.street) if role == Role.LEADER else make_officer([cell])
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
        users[role] = user.username
    return users


def _nav_links(page):
    hrefs = page.eval_on_selector_all("nav.mainnav a[href]", "els => els.map(e => e.getAttribute('href'))")
    return list(dict.fromkeys(hrefs))


def test_every_nav_page_renders_cleanly_for_every_demo_role(browser_page, live_server):
    # given
    users = _demo_users()
    problems = []

    for role, username in users.items():
        for width, height in WIDTHS:
            page = browser_page(width, height)
            # when
            login(page, live_server.url, username, settings.DEMO_PASSWORD)
            links = _nav_links(page)
            if role != Role.API:
                assert links, f"{username} sees no navigation"
            if role == Role.AUDITOR:
                # the auditor reads the audit log and nothing of the bureau's work
                assert "/platform/audit/" in links
                assert not [h for h in links if re.match(r"^/(cases|grids|markets|inspections|platform/jobs)/", h)]
            if role == Role.SECURITY:
                # the security administrator manages accounts in the admin, and sees nothing else
                assert "/admin/" in links and "/platform/audit/" not in links
                assert not [h for h in links if re.match(r"^/(cases|grids|markets|inspections|platform)/", h)]
            for href in links:
                response = page.goto(live_server.url + href)
                settle(page)
                # then
                where = f"{username} @{width}px {href}"
                if response is None or response.status >= 400:
                    problems.append(f"{where}: status {response.status if response else 'none'}")
                if width == 375:
                    overflow = page.evaluate("document.documentElement.scrollWidth")
                    if overflow > width + 1:
                        problems.append(f"{where}: {overflow}px wide at a {width}px screen")
            problems += [f"{username} @{width}px console: {e}" for e in page.console_errors]
            problems += [f"{username} @{width}px external request: {u}" for u in page.external_requests]

    assert not problems, "\n".join(problems)

