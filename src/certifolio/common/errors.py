"""The errors shared by pages, the API and the commands."""

from django.http import Http404


class NotFound(Http404):
    """The object does not exist, or the user may not see it: both answer the same.

    A subclass of ``Http404``, so pages answer 404 unchanged; the API maps it to its error
    schema (``api/errors.py``); commands turn it into their own message.
    """
