"""A phone no configured key opens is not shown as empty: the reveal says so and is audited as a failure."""
import pytest

from bureau.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_an_undecryptable_phone_is_a_clear_message_and_an_audited_failure(client, place, report, bureau_user,
                                                                            settings):
    # given a case whose phone was encrypted under a key the deployment no longer has
    case = report(source="hotline", reporter_phone="13812345678")
    settings.FIELD_ENCRYPTION_KEY = ["a-new-key-without-the-old-one-0123456789"]
    client.force_login(bureau_user)

    # when
    response = client.post(f"/cases/{case.pk}/reveal-phone/", follow=True)

    # then: the case page says why, and the audit log has a failure, no success
    assert response.status_code == 200
    assert "无法解密" in response.content.decode()
    entries = AuditEntry.objects.filter(action="case.reveal_phone", object_id=str(case.pk))
    assert [e.outcome for e in entries] == [AuditEntry.Outcome.FAILURE]
