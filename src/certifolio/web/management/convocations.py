"""A session's convocations, for managers (auditors read): what was sent, to whom, when,
how it went; the progress of the latest sending; send, and retry what failed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from certifolio.exams.convocation_details import change_line
from certifolio.exams.domain.convocations import retry_failed_messages, send_convocations
from certifolio.exams.enums import MessageState
from certifolio.exams.queries import session_for, session_messages
from certifolio.exams.session_status import latest_progress

VIEW_MESSAGES = "exams.view_messages"
SEND = "exams.send_convocations"


@login_required
def session_messages_page(request, uuid):
    session = session_for(request.user, uuid, perm=VIEW_MESSAGES)
    page = Paginator(session_messages(session), 100).get_page(request.GET.get("page"))
    for message in page:
        message.change_lines = [change_line(change) for change in message.changes]
    return render(
        request,
        "web/convocations/messages.html",
        {
            "session": session,
            "page": page,
            "progress": latest_progress(session),
            "can_send": request.user.has_perm(SEND, session),
            "failed_count": session.messages.filter(state=MessageState.FAILED).count(),
        },
    )


@login_required
def session_messages_progress(request, uuid):
    """The latest sending's progress, which the messages page reads again while it runs."""
    session = session_for(request.user, uuid, perm=VIEW_MESSAGES)
    return JsonResponse(latest_progress(session))


@login_required
@require_POST
def convocations_send(request, uuid):
    session = session_for(request.user, uuid, perm=SEND)
    try:
        batch = send_convocations(session, actor=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        if batch is None:
            messages.info(
                request,
                _(
                    "Nothing was sent: everyone convened already has these details. A "
                    "change to an oral is sent as an update that says what changed."
                ),
            )
        else:
            count = session.messages.filter(batch=batch).count()
            messages.success(
                request,
                ngettext(
                    "%(count)d e-mail is being sent.",
                    "%(count)d e-mails are being sent.",
                    count,
                )
                % {"count": count},
            )
    return redirect("web:session_messages", uuid=session.uuid)


@login_required
@require_POST
def messages_retry(request, uuid):
    session = session_for(request.user, uuid, perm=SEND)
    batch = retry_failed_messages(session, actor=request.user)
    if batch is None:
        messages.info(request, _("No e-mail has failed: there is nothing to send again."))
    else:
        count = session.messages.filter(batch=batch).count()
        messages.success(
            request,
            ngettext(
                "%(count)d failed e-mail is being sent again.",
                "%(count)d failed e-mails are being sent again.",
                count,
            )
            % {"count": count},
        )
    return redirect("web:session_messages", uuid=session.uuid)
