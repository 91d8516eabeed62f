"""The site's pages, one package per audience (namespace `web` for all of them)."""

from certifolio.web.account import urls as account
from certifolio.web.candidate import urls as candidate
from certifolio.web.centre import urls as centre
from certifolio.web.jury import urls as jury
from certifolio.web.management import urls as management
from certifolio.web.public import urls as public

app_name = "web"
urlpatterns = (
    public.urlpatterns
    + account.urlpatterns
    + management.urlpatterns
    + candidate.urlpatterns
    + centre.urlpatterns
    + jury.urlpatterns
)
