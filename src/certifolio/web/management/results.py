"""A session's results, for managers and auditors: publishing them, the awards they
made, revoking one, and generating their documents."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from certifolio.credentials.domain.awards import publish_results, revoke_award, sealed_decisions
from certifolio.credentials.domain.documents import awards_to_issue, start_document_run
from certifolio.credentials.models import REASON_MAX_LENGTH, DocumentRun, ResultsPublication
from certifolio.credentials.queries import award_for, session_results
from certifolio.exams import queries

READ = "credentials.view_session_results"


@login_required
def session_results_page(request, uuid):
    session = queries.session_for(request.user, uuid, perm=READ)
    publication = ResultsPublication.objects.filter(session=session).first()
    _decisions, _registrations, pending = (
        sealed_decisions(session) if publication is None else ({}, [], [])
    )
    return render(
        request,
        "web/results/session_results.html",
        {
            "session": session,
            "publication": publication,
            "pending": pending,
            "rows": session_results(session),
            "can_publish": request.user.has_perm("credentials.publish_results"),
            "can_revoke": request.user.has_perm("credentials.revoke_award"),
            "can_generate": request.user.has_perm("credentials.generate_documents"),
            "run": DocumentRun.objects.filter(session=session).first(),
            "to_issue": awards_to_issue(session).count() if publication else 0,
        },
    )


@login_required
@require_POST
def session_documents_generate(request, uuid):
    session = queries.session_for(request.user, uuid, perm="credentials.generate_documents")
    try:
        start_document_run(session, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The documents and credentials are being generated; this page shows how far."),
        )
    return redirect("web:session_results", uuid=session.uuid)


@login_required
@require_POST
def session_results_publish(request, uuid):
    session = queries.session_for(request.user, uuid, perm="credentials.publish_results")
    try:
        publish_results(session, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The results are published; the candidates are told."))
    return redirect("web:session_results", uuid=session.uuid)


class RevokeForm(forms.Form):
    revocation_reason = forms.CharField(
        label=gettext_lazy("Reason for the revocation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASON_MAX_LENGTH,
        help_text=gettext_lazy("Recorded in the audit trail and shown on the verification page."),
    )


@login_required
def award_revoke(request, uuid):
    award = award_for(request.user, uuid, perm="credentials.revoke_award")
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revoke_award(award, actor=request.user, reason=form.cleaned_data["revocation_reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The award %(number)s is revoked.") % {"number": award.number}
            )
            return redirect("web:session_results", uuid=award.session.uuid)
    return render(request, "web/results/award_revoke.html", {"award": award, "form": form})
