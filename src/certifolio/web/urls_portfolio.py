"""URLs of the portfolio pages (included in certifolio.web.urls, namespace web)."""

urlpatterns: list = []
