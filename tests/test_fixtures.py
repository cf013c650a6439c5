import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.serializers import serialize

from terms.exchange.common import MODELS
from terms.models import Citation, Term

# The models' history and the change log are in the app too: loading the
# fixtures again must add to neither.
GLOSSARY_MODELS = list(apps.get_app_config("terms").get_models())


def snapshot() -> str:
    return "".join(serialize("json", m.objects.order_by("pk")) for m in GLOSSARY_MODELS)


def test_loading_the_fixtures_twice_changes_nothing(seed):
    before = snapshot()
    call_command("loaddata", "glossary", verbosity=0)
    assert snapshot() == before


def test_the_fixtures_hold_the_seed_and_at_least_twelve_more_terms(seed):
    assert Term.objects.published().count() >= 13
    assert Term.objects.filter(slug="ai-alignment").exists()
    assert set(
        Term.objects.get(aliases__name="RLHF").see_also.values_list("slug", flat=True)
    ), "RLHF links to related terms"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_fixture_record_passes_validation(seed, model):
    for obj in model.objects.all():
        obj.full_clean()


def test_every_term_has_a_summary_definition_category_and_source(seed):
    for term in Term.objects.all():
        assert term.summary, term
        assert term.definition, term
        assert term.category, term
        assert term.citations.filter(role=Citation.Role.SOURCE).exists(), term
