"""Load the seed title, then render the full certification page.

Reports the time to load the seed referential into an empty database, the time to
render the certification page (every block, competency and criterion) and the page's
query count, which must not grow with the size of the referential.
"""

from _setup import minimal_view_ms, report, setup_django, timed

setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from certifolio.referential.documents import read_document  # noqa: E402
from certifolio.referential.domain.loading import load_referential  # noqa: E402
from certifolio.referential.models import (  # noqa: E402
    Block,
    Certification,
    Competency,
    Criterion,
    Option,
    ReferentialVersion,
)


def main():
    document = read_document(settings.SEED_REFERENTIAL)
    load_referential(document, actor=None)
    load_median, load_best = timed(_reload(document), repeat=5)
    client = Client()
    url = "/certifications/expert-ingenierie-informatique/"
    client.get(url)  # warm the template cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Count now: every request start empties the connection's query log.
    query_count = len(queries)
    assert response.status_code == 200
    page_median, page_best = timed(lambda: client.get(url), repeat=30)
    minimal_median, _ = minimal_view_ms(repeat=200)
    report(
        seed_load_ms=f"{load_median:.1f}",
        seed_load_best_ms=f"{load_best:.1f}",
        page_ms=f"{page_median:.1f}",
        page_best_ms=f"{page_best:.1f}",
        minimal_view_ms=f"{minimal_median:.2f}",
        page_x_minimal=f"{page_median / minimal_median:.0f}",
        page_queries=query_count,
        page_kb=f"{len(response.content) / 1024:.0f}",
    )


def _reload(document):
    """Loading into a database that does not hold the title yet, each time."""

    def run():
        # Published versions are protected by the models; the bench wipes them in SQL.
        for model in (Criterion, Competency, Block, Option, ReferentialVersion, Certification):
            model.objects.all()._raw_delete(connection.alias)
        load_referential(document, actor=None)

    return run


if __name__ == "__main__":
    main()
