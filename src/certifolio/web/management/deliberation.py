"""A session's deliberation board, for certification managers and auditors: every
registration with its oral, the sheets submitted, the decision and the minutes."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from certifolio.exams import queries
from certifolio.grading.queries.deliberation import session_board


@login_required
def session_deliberation_board(request, uuid):
    session = queries.session_for(request.user, uuid, perm="grading.view_board")
    return render(
        request,
        "web/sessions/deliberation_board.html",
        {
            "session": session,
            "rows": session_board(session),
        },
    )
