"""The deliberation's objects of the access matrix's walk (see matrix_world.py): a session
whose oral took place yesterday, before a jury that the juror account presides (own
objects) or does not sit on (another person's)."""

import datetime

from certifolio.exams.enums import JuryRole, Phase
from certifolio.exams.models import JuryMember
from certifolio.grading.domain.deliberations import close_deliberation, record_decision
from certifolio.grading.models import Decision, Deliberation
from tests.exams.convocation_samples import published_session
from tests.grading.deliberation_samples import decision_of


def deliberation_objects(version, owner, *, name, juror=None):
    """(session, jury, registration): ``owner``'s oral of yesterday; ``juror``, if given,
    presides its jury."""
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    session, orals = published_session(
        version, people=[owner], name=name, day=yesterday, phase=Phase.ORALS
    )
    jury = orals[0].jury
    if juror is not None:
        JuryMember.objects.filter(jury=jury, role=JuryRole.PRESIDENT).update(juror=juror)
    return session, jury, orals[0].registration


def _president(jury):
    return jury.members.get(role=JuryRole.PRESIDENT).juror.user


def _decided(request):
    registration = request.objects.delib_registration
    return record_decision(
        registration,
        actor=_president(request.objects.delib_jury),
        **decision_of(registration),
    )[0]


def _closed(request):
    decision = _decided(request)
    close_deliberation(decision.deliberation, actor=_president(request.objects.delib_jury))


def _form(registration, **extra):
    arguments = decision_of(registration)
    data = {f"levels.{key}": level for key, level in arguments["levels"].items()}
    data.update({f"blocks.{code}": "validated" for code in arguments["blocks"]})
    data.update({"outcome": "full_success", "justification": "", **extra})
    return data


def json_bodies(objects) -> dict:
    registration = objects.delib_registration
    if registration is None:
        return {}
    return {
        "api:record_decision": decision_of(registration),
        "api:correct_decision": {
            **decision_of(registration, outcome="failure", justification="Fraude."),
            "reason": "Erreur de saisie.",
        },
    }


def form_bodies(objects) -> dict:
    registration = objects.delib_registration
    if registration is None:
        return {}
    return {
        "web:jury_decision_correct": _form(
            registration, outcome="failure", justification="Fraude.", reason="Erreur."
        )
    }


def _decisions(request):
    return list(
        Decision.objects.filter(registration=request.objects.delib_registration).values_list(
            "outcome", "superseded_at"
        )
    )


def _closed_at(request):
    return list(
        Deliberation.objects.filter(jury=request.objects.delib_jury).values_list(
            "closed_at", flat=True
        )
    )


SETUP = {
    "web:jury_deliberation_close": _decided,
    "api:close_deliberation": _decided,
    "web:jury_decision_correct": _closed,
    "api:correct_decision": _closed,
}

EFFECT = {
    "web:jury_deliberation_close": _closed_at,
    "api:close_deliberation": _closed_at,
    "web:jury_decision_correct": _decisions,
    "api:correct_decision": _decisions,
    "api:record_decision": _decisions,
}

UUID_OF = {
    **dict.fromkeys(
        [
            "web:jury_deliberation",
            "web:jury_deliberation_close",
            "web:jury_decision",
            "web:jury_decision_correct",
            "api:get_deliberation",
            "api:record_decision",
            "api:close_deliberation",
            "api:correct_decision",
        ],
        "delib_jury",
    ),
    **dict.fromkeys(
        ["web:session_deliberation_board", "api:get_deliberation_board"], "delib_session"
    ),
}
