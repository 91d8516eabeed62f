"""The project's URLs plus the yardsticks of the load benchmarks, behind the project's own
middleware: a view that does one database write, and the smallest view."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from certifolio.urls import urlpatterns as project_urlpatterns

# Created by the benchmark before the server starts (bench_grading.py).
WRITE_TABLE = "bench_write"


@csrf_exempt
def one_write(request):
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {WRITE_TABLE} (at) VALUES (%s)",  # noqa: S608 - a constant name
            [timezone.now().isoformat()],
        )
    return HttpResponse("ok", content_type="text/plain")


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/one-write/", one_write),
    path("bench/minimal/", minimal),
    *project_urlpatterns,
]
