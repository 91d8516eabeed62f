"""The juror's grading pages: his orals by day, an oral's page with the snapshot and the
grid, its files, and the grid's saves. Anyone not on the oral's jury gets 404."""

import pytest
from django.urls import reverse
from django.utils import timezone

from certifolio.accounts.enums import Role
from certifolio.accounts.models import RoleGrant
from certifolio.grading.domain.grades import GradeInput, save_grade, save_grid, submit_sheet
from certifolio.grading.models import Deliberation, Grade, GradingSheet
from certifolio.portfolio.models import StoredFile
from certifolio.referential.domain.versions import start_draft
from tests.exams.convocation_samples import published_session
from tests.exams.factories import JurorFactory, enlist
from tests.factories import manager
from tests.grading.world import grading_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(seed_version):
    return grading_world(seed_version)


def url(name, oral, **kwargs):
    return reverse(f"web:{name}", kwargs={"uuid": oral.uuid, **kwargs})


def file_sha(world, name):
    manifest = world.registration.submission.manifest
    for case in manifest["cases"]:
        for item in case["evidence"]:
            if item["name"] == name:
                return item["sha256"]
    for item in manifest["presentation_supports"]:
        if item["name"] == name:
            return item["sha256"]
    raise AssertionError(name)


def juror_of_another_jury(seed_version):
    """A juror of another jury of another session, with the juror role."""
    _session, orals = published_session(seed_version, name="Autre session")
    other = orals[0].jury.members.first().juror
    RoleGrant.objects.get_or_create(user=other.user, role=Role.JUROR)
    return other


# "Mes soutenances"


@pytest.mark.parametrize("count", [1, 3])
def test_my_orals_lists_them_by_day_in_constant_queries(
    seed_version, verified_login, django_assert_num_queries, count
):
    world = grading_world(seed_version, candidates=count)
    client = verified_login(world.member.user)
    client.get(reverse("web:jury_orals"))

    # Session, user, second factor, the juror role, the orals with their rows and sheets'
    # state, the jury members (prefetched), the menu's two permission reads.
    with django_assert_num_queries(8):
        page = client.get(reverse("web:jury_orals")).text

    assert page.count('class="oral-card"') == count
    assert "Mes soutenances" in page
    assert "Notation non soumise" in page
    assert url("jury_oral", world.oral) in page


def test_my_orals_is_refused_to_a_candidate(world, client):
    client.force_login(world.candidate)

    assert client.get(reverse("web:jury_orals")).status_code == 404


def test_jury_home_links_to_my_orals(world, verified_login):
    page = verified_login(world.member.user).get(reverse("web:jury_home")).text

    assert reverse("web:jury_orals") in page


# The oral's page


def test_oral_page_shows_the_snapshot_and_the_grid(world, verified_login):
    page = verified_login(world.member.user).get(url("jury_oral", world.oral)).text

    assert "Migration du réseau d’un site industriel" in page
    assert "J’ai conduit la migration du cœur de réseau." in page
    assert url("jury_oral_file", world.oral, sha256=file_sha(world, "plan.pdf")) in page
    svg = url("jury_oral_file", world.oral, sha256=file_sha(world, "schema.svg"))
    assert f'<img class="evidence-image" src="{svg}" alt="schema.svg">' in page
    assert page.count("data-criterion=") == 47
    assert f'data-criterion="{world.criteria()[0].uuid}"' in page
    assert 'id="save-status"' in page
    assert "Soumettre ma notation" in page
    assert "/static/vendor/htmx/htmx.min.js" in page


def test_oral_page_answers_404_to_a_juror_of_another_jury(world, seed_version, verified_login):
    other = juror_of_another_jury(seed_version)
    client = verified_login(other.user)

    assert client.get(url("jury_oral", world.oral)).status_code == 404
    sha = file_sha(world, "plan.pdf")
    assert client.get(url("jury_oral_file", world.oral, sha256=sha)).status_code == 404
    response = client.post(
        url("jury_grade_save", world.oral),
        {"criterion": str(world.criteria()[0].uuid), f"level-{world.criteria()[0].uuid}": "acquis"},
    )
    assert response.status_code == 404
    assert client.post(url("jury_grid_save", world.oral), {}).status_code == 404
    assert not Grade.objects.exists()


def test_oral_page_answers_404_to_a_juror_of_the_session_not_on_its_jury(world, verified_login):

    colleague = JurorFactory()
    enlist(world.session, colleague)
    RoleGrant.objects.get_or_create(user=colleague.user, role=Role.JUROR)

    assert verified_login(colleague.user).get(url("jury_oral", world.oral)).status_code == 404


def test_oral_page_answers_404_to_a_manager(world, verified_login):
    assert verified_login(manager()).get(url("jury_oral", world.oral)).status_code == 404


def test_oral_page_hides_the_others_grades_until_his_own_are_submitted(world, verified_login):
    grades = [
        GradeInput(criterion, level="acquis", comment="Vu par Claire.")
        for criterion in world.criteria()
    ]
    save_grid(world.oral, actor=world.president.user, grades=grades)
    submit_sheet(world.oral, actor=world.president.user)
    client = verified_login(world.member.user)

    before = client.get(url("jury_oral", world.oral)).text
    save_grid(
        world.oral,
        actor=world.member.user,
        grades=[GradeInput(criterion, level="non_acquis") for criterion in world.criteria()],
    )
    submit_sheet(world.oral, actor=world.member.user)
    after = client.get(url("jury_oral", world.oral)).text

    assert "Vu par Claire." not in before
    assert "Vu par Claire." in after
    assert "Claire Martin : Acquis — Vu par Claire." in after


def test_others_unsubmitted_grades_stay_hidden_after_his_submission(world, verified_login):
    save_grade(
        world.oral,
        actor=world.president.user,
        criterion=world.criteria()[0],
        level="acquis",
        comment="Brouillon de Claire.",
    )
    save_grid(
        world.oral,
        actor=world.member.user,
        grades=[GradeInput(criterion, level="acquis") for criterion in world.criteria()],
    )
    submit_sheet(world.oral, actor=world.member.user)

    page = verified_login(world.member.user).get(url("jury_oral", world.oral)).text

    assert "Brouillon de Claire." not in page
    assert "Pas encore soumise\u202f: Claire Martin." in page


# Files


def test_a_pdf_is_shown_inline_without_sandbox(world, verified_login):
    response = verified_login(world.member.user).get(
        url("jury_oral_file", world.oral, sha256=file_sha(world, "plan.pdf"))
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="plan.pdf"'
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; object-src 'none'; frame-ancestors 'none'"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    b"".join(response.streaming_content)


def test_an_svg_is_an_image_under_a_sandbox(world, verified_login):
    response = verified_login(world.president.user).get(
        url("jury_oral_file", world.oral, sha256=file_sha(world, "schema.svg"))
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert b"".join(response.streaming_content).startswith(b"<svg")


def test_a_file_not_in_the_snapshot_is_404(world, verified_login):
    stray = StoredFile.objects.create(
        sha256="0" * 64, size=1, content_type="application/pdf", storage_name="portfolio/x"
    )

    response = verified_login(world.member.user).get(
        url("jury_oral_file", world.oral, sha256=stray.sha256)
    )

    assert response.status_code == 404


# Saving


def test_the_autosave_of_one_criterion_answers_its_revision(
    world, verified_login, django_assert_num_queries
):
    key = str(world.criteria()[0].uuid)
    client = verified_login(world.member.user)
    client.post(url("jury_grade_save", world.oral), {"criterion": key, f"level-{key}": "acquis"})

    # 16 statements: session, user, second factor, his roles; the oral with its session
    # and version, his seat read in the same query (grading_oral_for); the criterion; the
    # save (6, see tests/grading/test_grades.py); four savepoints.
    with django_assert_num_queries(16):
        response = client.post(
            url("jury_grade_save", world.oral),
            {"criterion": key, f"level-{key}": "non_acquis", f"revision-{key}": "1"},
        )

    assert response.status_code == 200
    assert response["X-Revision"] == "2"
    assert "Enregistré (révision 2)." in response.text
    assert (
        f'id="revision-{key}" name="revision-{key}" value="2" hx-swap-oob="true"' in response.text
    )
    assert Grade.objects.get().level == "non_acquis"


def test_the_autosave_from_an_old_revision_answers_409(world, verified_login):
    key = str(world.criteria()[0].uuid)
    client = verified_login(world.member.user)
    client.post(url("jury_grade_save", world.oral), {"criterion": key, f"level-{key}": "acquis"})
    client.post(
        url("jury_grade_save", world.oral),
        {"criterion": key, f"level-{key}": "non_acquis", f"revision-{key}": "1"},
    )

    response = client.post(
        url("jury_grade_save", world.oral),
        {"criterion": key, f"level-{key}": "acquis", f"revision-{key}": "1"},
    )

    assert response.status_code == 409
    assert response["X-Current-Revision"] == "2"
    assert 'data-state="conflict"' in response.text
    assert Grade.objects.get().level == "non_acquis"


def test_the_autosave_of_a_wrong_level_answers_422(world, verified_login):
    key = str(world.criteria()[0].uuid)

    response = verified_login(world.member.user).post(
        url("jury_grade_save", world.oral), {"criterion": key, f"level-{key}": "top"}
    )

    assert response.status_code == 422
    assert "n’est pas un niveau" in response.text
    assert not Grade.objects.exists()


def test_the_autosave_of_a_competency_comment(world, verified_login):
    key = str(world.criteria()[0].competency.uuid)

    response = verified_login(world.member.user).post(
        url("jury_comment_save", world.oral), {"competency": key, f"comment-{key}": "Solide."}
    )

    assert response.status_code == 200
    assert response["X-Revision"] == "1"


def test_the_whole_grid_is_saved_without_javascript(world, verified_login):
    data = {f"level-{criterion.uuid}": "acquis" for criterion in world.criteria()}
    data[f"comment-{world.criteria()[0].competency.uuid}"] = "Bien."

    response = verified_login(world.member.user).post(url("jury_grid_save", world.oral), data)

    assert response.status_code == 302
    assert response["Location"] == url("jury_oral", world.oral)
    assert Grade.objects.filter(level="acquis").count() == 47


def test_a_refused_grid_keeps_what_was_typed(world, verified_login):
    first = world.criteria()[0]
    data = {f"level-{first.uuid}": "top", f"comment-{first.uuid}": "Mon texte gardé."}

    response = verified_login(world.member.user).post(url("jury_grid_save", world.oral), data)

    assert response.status_code == 422
    assert "Mon texte gardé." in response.text
    assert "Rien n’a été enregistré" in response.text
    assert not Grade.objects.exists()


def test_submit_marks_the_sheet_submitted(world, verified_login):
    save_grid(
        world.oral,
        actor=world.member.user,
        grades=[GradeInput(criterion, level="acquis") for criterion in world.criteria()],
    )

    response = verified_login(world.member.user).post(url("jury_sheet_submit", world.oral))

    assert response.status_code == 302
    assert GradingSheet.objects.get().submitted_at is not None


def test_the_grid_is_read_only_once_the_deliberation_closed(world, verified_login):
    Deliberation.objects.create(jury=world.jury, closed_at=timezone.now())

    page = verified_login(world.member.user).get(url("jury_oral", world.oral)).text

    assert "La délibération du jury est close" in page
    assert "hx-post" not in page


def test_the_autosave_finds_the_criterion_of_the_sessions_version(world, verified_login):
    # A draft copies the criteria with their uuids: the one graded is the session's.
    start_draft(world.session.version.certification, actor=None)
    key = str(world.criteria()[0].uuid)

    response = verified_login(world.member.user).post(
        url("jury_grade_save", world.oral), {"criterion": key, f"level-{key}": "acquis"}
    )

    assert response.status_code == 200
    assert Grade.objects.get().criterion == world.criteria()[0]
