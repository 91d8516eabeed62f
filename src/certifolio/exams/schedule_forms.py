"""Forms of the planning pages. They only parse what was chosen: the scheduling workflows
check every change against the planner's rules and name the rules a change breaks."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certifolio.exams.domain.scheduling_problem import to_datetime, to_minutes


class ScheduleForm(forms.Form):
    def add_domain_error(self, error: ValidationError) -> None:
        """A workflow's refusal, above the form: it names the rules, not a field."""
        for message in error.messages:
            self.add_error(None, message)


class PlanForm(ScheduleForm):
    time_limit = forms.FloatField(
        label=_("Time limit (seconds)"),
        min_value=1,
        max_value=300,
        initial=10,
        help_text=_("The planner stops then with the best plan found."),
    )


class MoveForm(ScheduleForm):
    day = forms.TypedChoiceField(label=_("Day"), coerce=datetime.date.fromisoformat)
    start = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    jury = forms.ChoiceField(label=_("Jury"))
    room = forms.ChoiceField(label=_("Room"), required=False)

    def __init__(self, *args, oral, juries, rooms, **kwargs):
        day, minutes = to_minutes(oral.starts_at)
        kwargs.setdefault(
            "initial",
            {
                "day": day.isoformat(),
                "start": datetime.time(minutes // 60, minutes % 60),
                "jury": str(oral.jury.uuid),
                "room": str(oral.room.uuid) if oral.room_id else "",
            },
        )
        super().__init__(*args, **kwargs)
        session = oral.registration.session
        self.juries = {str(jury.uuid): jury for jury in juries}
        self.rooms = {str(room.uuid): room for room in rooms}
        self.fields["day"].choices = [
            (day.isoformat(), f"{day:%d/%m/%Y}") for day in session.days()
        ]
        self.fields["jury"].choices = [(key, jury.name) for key, jury in self.juries.items()]
        if oral.room_id:
            self.fields["room"].choices = [(key, str(room)) for key, room in self.rooms.items()]
        else:
            # A remote oral takes place through its link.
            del self.fields["room"]

    def change(self) -> dict:
        data = self.cleaned_data
        start = data["start"].hour * 60 + data["start"].minute
        return {
            "starts_at": to_datetime(data["day"], start),
            "jury": self.juries[data["jury"]],
            "room": self.rooms.get(data.get("room") or ""),
        }


class SwapForm(ScheduleForm):
    other = forms.ChoiceField(label=_("Swap with the oral of"))

    def __init__(self, *args, oral, orals, **kwargs):
        super().__init__(*args, **kwargs)
        self.orals = {str(item.uuid): item for item in orals if item.pk != oral.pk}
        self.fields["other"].choices = [
            (
                key,
                f"{item.registration.candidate} — {timezone.localtime(item.starts_at):%d/%m %H:%M}",
            )
            for key, item in self.orals.items()
        ]

    def other_oral(self):
        return self.orals[self.cleaned_data["other"]]


class LockForm(forms.Form):
    locked = forms.BooleanField(required=False)
