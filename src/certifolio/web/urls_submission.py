"""URLs of the submission pages (included in certifolio.web.urls, namespace web)."""

urlpatterns: list = []
