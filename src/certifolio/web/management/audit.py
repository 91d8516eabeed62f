"""The audit trail, read by certification managers and auditors."""

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from certifolio.common.forms import (
    AuditFilterForm,
    action_label,
    filter_choices,
    object_type_label,
)
from certifolio.common.models import AuditEvent
from certifolio.common.queries import audit_event_for, require_audit_access

PAGE_SIZE = 50


@login_required
def audit_list(request):
    require_audit_access(request.user)
    actions, object_types = filter_choices()
    form = AuditFilterForm(request.GET, actions=actions, object_types=object_types)
    page = None
    if form.is_valid():
        events = form.filter(AuditEvent.objects.select_related("actor").order_by("-sequence"))
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        for event in page:
            event.action_label = action_label(event.action)
    return render(
        request,
        "web/audit/list.html",
        {
            "form": form,
            "page": page,
            "filtered": form.is_valid() and any(form.cleaned_data.values()),
        },
    )


@login_required
def audit_event(request, uuid):
    event = audit_event_for(request.user, uuid)
    event.action_label = action_label(event.action)
    neighbours = {
        other.sequence: other
        for other in AuditEvent.objects.filter(
            sequence__in=[event.sequence - 1, event.sequence + 1]
        ).only("uuid", "sequence")
    }
    return render(
        request,
        "web/audit/detail.html",
        {
            "event": event,
            "object_type": object_type_label(event.object_type),
            "before": _pretty(event.before),
            "after": _pretty(event.after),
            "previous": neighbours.get(event.sequence - 1),
            "next": neighbours.get(event.sequence + 1),
        },
    )


def _pretty(value) -> str:
    if value is None:
        return ""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
