"""The coverage page: its query count with few and many files, and its rendering time.

A candidate prepares every block of the seed title (99 criteria); the page is rendered
with 1 file mapped, then with 30 files mapped to 30 criteria. The query count must be
the same (it is guarded by a test too).
"""

from _setup import minimal_view_ms, report, setup_django, timed

setup_django()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from certifolio.accounts.enums import Role  # noqa: E402
from certifolio.accounts.models import RoleGrant, User  # noqa: E402
from certifolio.portfolio.domain.cases import (  # noqa: E402
    choose_blocks,
    create_case,
    map_to_criterion,
    open_portfolio,
)
from certifolio.portfolio.domain.evidence import add_evidence  # noqa: E402
from certifolio.referential.documents import read_document  # noqa: E402
from certifolio.referential.domain.loading import load_referential  # noqa: E402
from certifolio.referential.models import Block, Criterion  # noqa: E402


def add_mapped_files(portfolio, case, user, criteria):
    # One content per criterion: the same content twice in a portfolio is refused.
    for criterion in criteria:
        note = f"note-{criterion.pk}"
        upload = SimpleUploadedFile(f"{note}.txt", f"{note}\n".encode())
        evidence = add_evidence(case, upload=upload, actor=user)
        map_to_criterion(
            portfolio,
            criterion=criterion,
            evidence=evidence,
            actor=user,
            justification="Cette note le montre.",
        )


def page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    count = len(queries)  # count now: the next request empties the log
    assert response.status_code == 200, response.status_code
    return count


def main():
    version = load_referential(read_document(settings.SEED_REFERENTIAL), actor=None)[0]
    user = User.objects.create_user("bench@example.org", "bench-password-2026")
    RoleGrant.objects.create(user=user, role=Role.CANDIDATE)
    portfolio, _created = open_portfolio(user, version=version, actor=user)
    choose_blocks(portfolio, blocks=list(Block.objects.filter(version=version)), actor=user)
    case = create_case(portfolio, actor=user, title="Cas", kind="company")
    criteria = list(Criterion.objects.filter(version=version).order_by("id"))
    client = Client()
    client.force_login(user)
    url = f"/portfolio/{portfolio.uuid}/coverage/"
    add_mapped_files(portfolio, case, user, criteria[:1])
    client.get(url)
    few = page_queries(client, url)
    add_mapped_files(portfolio, case, user, criteria[1:30])
    many = page_queries(client, url)
    median, best = timed(lambda: client.get(url), repeat=20)
    minimal_median, _ = minimal_view_ms(repeat=200)
    report(
        criteria=len(criteria),
        queries_1_file=few,
        queries_30_files=many,
        page_ms=f"{median:.1f}",
        page_best_ms=f"{best:.1f}",
        minimal_view_ms=f"{minimal_median:.2f}",
        page_x_minimal=f"{median / minimal_median:.0f}",
    )


if __name__ == "__main__":
    main()
