"""URLs of the evidence pages (included in certifolio.web.urls, namespace web)."""

urlpatterns: list = []
