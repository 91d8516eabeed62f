"""The sessions and orals of the access matrix's walk (see matrix_world.py)."""

import datetime

from certifolio.exams.domain.convocations import send_convocations
from certifolio.exams.enums import JuryRole, MessageState
from certifolio.exams.models import JuryMember, Message, Oral
from tests.exams.convocation_samples import published_session
from tests.exams.factories import enlist


def convocation_objects(version, owner, *, name, juror=None):
    """A session with a published plan, ``owner``'s oral in it (``juror``, if given, on its
    jury too), and its convocations sent: (session, oral). Its days follow those of the
    other sessions of the walk, so that a registration edited there does not overlap this
    one."""
    later = datetime.date.today() + datetime.timedelta(days=90)
    session, orals = published_session(version, people=[owner], name=name, day=later)
    if juror is not None:
        enlist(session, juror)
        JuryMember.objects.create(jury=orals[0].jury, juror=juror, role=JuryRole.MEMBER)
    send_convocations(session, actor=None)
    return session, orals[0]


def with_a_moved_oral(request):
    # Sending again sends something only after a change.
    oral = request.objects.convocation_oral
    Oral.objects.filter(pk=oral.pk).update(
        starts_at=oral.starts_at + datetime.timedelta(hours=1),
        ends_at=oral.ends_at + datetime.timedelta(hours=1),
    )


def with_failed_messages(request):
    Message.objects.filter(session=request.objects.convocation_session).update(
        state=MessageState.FAILED
    )


def message_count(request):
    return Message.objects.filter(session=request.objects.convocation_session).count()


def failed_count(request):
    return Message.objects.filter(
        session=request.objects.convocation_session, state=MessageState.FAILED
    ).count()


SETUP = {
    "web:convocations_send": with_a_moved_oral,
    "api:send_convocations": with_a_moved_oral,
    "web:messages_retry": with_failed_messages,
    "api:retry_failed_messages": with_failed_messages,
}

EFFECT = {
    "web:convocations_send": message_count,
    "api:send_convocations": message_count,
    "web:messages_retry": failed_count,
    "api:retry_failed_messages": failed_count,
}

UUID_OF = {
    **dict.fromkeys(
        [
            "web:session_messages",
            "web:session_messages_progress",
            "web:convocations_send",
            "web:messages_retry",
            "api:send_convocations",
            "api:retry_failed_messages",
            "api:list_session_messages",
            "api:get_messages_progress",
        ],
        "convocation_session",
    ),
    "web:oral_calendar": "convocation_oral",
    "web:jury_oral_calendar": "convocation_oral",
}
