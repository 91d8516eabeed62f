from django.utils import translation

from certifolio.web.templatetags.typography import elide


def test_elide_writes_d_before_a_vowel_in_french():
    with translation.override("fr"):
        assert elide("Versions de Expert(e) en ingénierie") == "Versions d’Expert(e) en ingénierie"
        assert elide("Versions de Écologie, de Copie") == "Versions d’Écologie, de Copie"


def test_elide_leaves_other_languages_alone():
    with translation.override("en"):
        assert elide("de Expert") == "de Expert"
