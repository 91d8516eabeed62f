"""A fixed-window limit on how often one client may ask for something, kept in the cache.

The public verification is open to anyone: the limit keeps a scraper from walking the
register. With the default local-memory cache each application process counts on its
own; with several processes or servers, a shared cache (``CACHES`` in the settings) makes the
limit theirs together (docs/verification.md).
"""

import time

from django.core.cache import cache


def client_address(request) -> str:
    """The client's address as the server sees it (behind a reverse proxy, the proxy
    sets ``REMOTE_ADDR`` from the connection it forwards: see docs/verification.md)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(request, scope: str, *, limit: int, seconds: int = 60) -> bool:
    """Count one request of ``scope`` from this client; False once it exceeds ``limit``
    in the current window of ``seconds``."""
    window = int(time.time() // seconds)
    key = f"ratelimit:{scope}:{client_address(request)}:{window}"
    if cache.add(key, 1, timeout=seconds + 1):
        return True
    try:
        count = cache.incr(key)
    except ValueError:
        # Expired between the two calls: this request opens a new window.
        cache.add(key, 1, timeout=seconds + 1)
        return True
    return count <= limit
