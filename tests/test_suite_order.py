"""The suite passes in any order: after any test that flushes the database (a live server, transactional_db,
or only `django_db(transaction=True)` on its marker), the next test finds the reference data the migrations
seed (scoring scheme, case categories, work calendar) as on a freshly migrated database."""
import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("turn", ["first", "second"])
def test_the_reference_data_migrations_seed_is_there_whichever_test_runs_before(turn):
    from enforcement.models import Category
    from inspections.models import ScoringScheme

    # Whichever of the two runs second, the first one's database was flushed when it ended.
    assert ScoringScheme.objects.filter(code="default").exists()
    assert Category.objects.exists()
