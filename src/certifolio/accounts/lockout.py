"""What a locked-out person sees: a clear message and the way out."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": _("Too many failed attempts; try again in %(minutes)s minutes.")
                % {"minutes": minutes}
            },
            status=429,
        )
    return render(request, "web/accounts/locked_out.html", {"minutes": minutes}, status=429)
