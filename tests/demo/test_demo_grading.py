import datetime
from collections import defaultdict

from django.core.management import call_command
from django.utils import timezone

from certifolio.accounts.models import User
from certifolio.common.sealing import verify_sealed_pdf
from certifolio.demo.grading import SESSION_NAME, past_day
from certifolio.exams import queries
from certifolio.exams.domain.juries import check_jury_for
from certifolio.exams.enums import JuryRole, Phase
from certifolio.exams.models import Oral, Session
from certifolio.grading.enums import MinutesState, Outcome
from certifolio.grading.models import Deliberation, Grade, GradingSheet
from certifolio.grading.proposals import is_divergent, scale_of
from certifolio.grading.scope import grid_criteria

JUROR = "jure@demo.certifolio.fr"


def _juries(session):
    """The session's juries: (the demo juror's, the other)."""
    juries = list(session.juries.prefetch_related("members__juror__user"))
    assert len(juries) == 2
    assert all(jury.members.count() == 2 for jury in juries)
    ours = [jury for jury in juries if jury.members.filter(juror__user__email=JUROR).exists()]
    assert len(ours) == 1
    assert ours[0].members.get(juror__user__email=JUROR).role == JuryRole.PRESIDENT
    return ours[0], next(jury for jury in juries if jury != ours[0])


def test_demo_past_session_was_held_two_weeks_ago_by_juries_that_keep_the_rules(db):
    call_command("load_demo")

    session = Session.objects.get(name=SESSION_NAME)
    assert session.starts_on == session.ends_on == past_day(timezone.localdate())
    assert session.phase == Phase.DELIBERATION
    assert session.registration_deadline < session.portfolio_deadline < timezone.now()
    orals = list(Oral.objects.filter(registration__session=session))
    assert len(orals) == 3
    for oral in orals:
        assert timezone.localtime(oral.starts_at).date() == session.starts_on
        assert timezone.now() - oral.starts_at > datetime.timedelta(days=13)
    manager = User.objects.get(email="responsable@demo.certifolio.fr")
    registrations = queries.with_portfolio_states(queries.session_registrations(manager, session))
    assert {registration.portfolio_state.state for registration in registrations} == {"submitted"}
    for jury in _juries(session):
        assert jury.members.filter(juror__internal=False).count() >= 1
        for oral in jury.orals.all():
            assert check_jury_for(jury, oral.registration) == []


def test_demo_past_session_is_graded_deliberated_and_sealed(db):
    call_command("load_demo")

    session = Session.objects.get(name=SESSION_NAME)
    scale = scale_of(session.version.grading_scale)
    divergent = 0
    for oral in Oral.objects.filter(registration__session=session):
        sheets = GradingSheet.objects.filter(oral=oral)
        assert {sheet.juror_id for sheet in sheets} == set(
            oral.jury.members.values_list("juror_id", flat=True)
        )
        assert all(sheet.submitted_at for sheet in sheets)
        by_criterion = defaultdict(list)
        for criterion_id, level in Grade.objects.filter(sheet__oral=oral).values_list(
            "criterion_id", "level"
        ):
            by_criterion[criterion_id].append(level)
        assert set(by_criterion) == set(
            grid_criteria(oral.registration).values_list("pk", flat=True)
        )
        divergent += sum(1 for levels in by_criterion.values() if is_divergent(levels, scale, 2))
    assert divergent == 1
    grades = Grade.objects.filter(sheet__oral__registration__session=session)
    assert set(grades.values_list("level", flat=True)) == set(scale)
    assert grades.exclude(comment="").count() >= 5

    ours, closed_jury = _juries(session)
    assert not Deliberation.objects.filter(jury=ours, closed_at__isnull=False).exists()
    deliberation = closed_jury.deliberation
    assert deliberation.is_closed
    decisions = {decision.outcome: decision for decision in deliberation.decisions.all()}
    assert set(decisions) == {Outcome.FULL_SUCCESS, Outcome.PARTIAL_SUCCESS}
    departures = [
        block
        for block in decisions[Outcome.PARTIAL_SUCCESS].blocks.all()
        if block.validated != block.proposed
    ]
    assert len(departures) == 1
    assert departures[0].justification
    assert all(block.validated for block in decisions[Outcome.FULL_SUCCESS].blocks.all())
    minutes = deliberation.minutes.get()
    assert minutes.state == MinutesState.SEALED
    assert minutes.approvals.count() == 2
    with minutes.sealed_pdf.open("rb") as pdf:
        assert verify_sealed_pdf(pdf.read()).valid


def test_demo_juror_deliberates_his_jury_and_the_manager_reads_the_sealed_minutes(
    db, verified_login
):
    call_command("load_demo")
    session = Session.objects.get(name=SESSION_NAME)
    ours, closed_jury = _juries(session)
    oral = ours.orals.get()
    client = verified_login(User.objects.get(email=JUROR))

    orals = client.get("/jury/orals/")
    deliberation = client.get(f"/jury/juries/{ours.uuid}/deliberation/{oral.registration.uuid}/")
    other = client.get(f"/jury/juries/{closed_jury.uuid}/deliberation/")

    assert orals.status_code == 200
    assert "Louis Bonnet" in orals.content.decode()
    assert deliberation.status_code == 200
    assert "Niveaux divergents" in deliberation.content.decode()
    assert other.status_code == 404
    minutes = closed_jury.deliberation.minutes.get()
    manager = verified_login(User.objects.get(email="responsable@demo.certifolio.fr"))
    page = manager.get(f"/minutes/{minutes.uuid}/")
    assert page.status_code == 200
    assert minutes.sealed_sha256 in page.content.decode()
