"""The CPF declaration: holders from records, the file, and what the XSD refuses."""

import datetime
import unicodedata

import pytest
from django.utils import translation
from lxml import etree

from certifolio.credentials.cpf import (
    SCHEMA_PATH,
    CpfError,
    CpfHolder,
    CpfPassage,
    CpfSender,
    build_flux,
    cpf_problems,
    exam_mode,
    holder_from_profile,
    horodatage,
    sender_from_settings,
    validate_flux,
)
from certifolio.portfolio.enums import AccessRoute
from certifolio.portfolio.models import CandidateProfile
from tests.conftest import FORMATS_DIR

REFERENCE_XSD = FORMATS_DIR / "cpf-accrochage-1.1.2.xsd"
NS = {"cpf": "urn:cdc:cpf:pc5:schema:1.0.0"}
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SENDER = CpfSender(client_id="03VML243", contract_id="MCFCER000209")
WINTER = datetime.datetime(2025, 1, 15, 9, 30, 5, 123456, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _reference_errors(xml: bytes) -> list[str]:
    """Validation against the reference XSD beside the repository, not the shipped copy."""
    schema = etree.XMLSchema(etree.parse(str(REFERENCE_XSD)))
    schema.validate(etree.fromstring(xml))
    return [error.message for error in schema.error_log]


def _profile(**fields) -> CandidateProfile:
    values = {
        "birth_name": "Martin",
        "first_name_1": "Alice",
        "birth_date": datetime.date(1990, 5, 17),
        "sex": "F",
        "birth_commune_insee": "69123",
        "birth_commune_name": "Lyon",
        **fields,
    }
    return CandidateProfile(**values)


def _holder_values() -> dict:
    return {
        "birth_name": "Martin",
        "first_name_1": "Alice",
        "birth_date": datetime.date(1990, 5, 17),
        "sex": "F",
        "birth_commune_insee": "69123",
        "birth_commune_name": "Lyon",
    }


def _passage(holder, award_id="A-1", **fields) -> CpfPassage:
    values = {
        "certification_code": "RNCP35584",
        "awarded_on": datetime.date(2025, 6, 30),
        "access_route": AccessRoute.CONTINUING,
        **fields,
    }
    return CpfPassage(award_id=award_id, holder=holder, **values)


def _flux(*passages, **fields) -> bytes:
    values = {"sender": SENDER, "flux_id": "flux-1", "created_at": WINTER, **fields}
    return build_flux(passages=list(passages), **values)


def _texts(xml: bytes, path: str) -> list[str]:
    return [node.text for node in etree.fromstring(xml).iterfind(path, NS)]


def test_shipped_schema_is_byte_for_byte_the_reference():
    assert SCHEMA_PATH.read_bytes() == REFERENCE_XSD.read_bytes()


def test_one_award_is_written_in_full():
    holder = holder_from_profile(_profile(usage_name="Durand", first_name_2="Marie"))
    passage = _passage(
        holder,
        option_label="Solutions logicielles",
        exam_start=datetime.date(2025, 6, 2),
        exam_end=datetime.date(2025, 6, 4),
        exam_mode="EN_PRESENTIEL",
        exam_postal_code="69007",
        registered_on=datetime.date(2025, 3, 1),
        proof_url="https://certif.example.fr/verifier/A-1",
    )

    xml = _flux(passage)

    assert xml.decode() == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<cpf:flux xmlns:cpf="urn:cdc:cpf:pc5:schema:1.0.0" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        "  <cpf:idFlux>flux-1</cpf:idFlux>\n"
        "  <cpf:horodatage>2025-01-15T10:30:05+01:00</cpf:horodatage>\n"
        "  <cpf:emetteur>\n"
        "    <cpf:idClient>03VML243</cpf:idClient>\n"
        "    <cpf:certificateurs>\n"
        "      <cpf:certificateur>\n"
        "        <cpf:idClient>03VML243</cpf:idClient>\n"
        "        <cpf:idContrat>MCFCER000209</cpf:idContrat>\n"
        "        <cpf:certifications>\n"
        "          <cpf:certification>\n"
        "            <cpf:type>RNCP</cpf:type>\n"
        "            <cpf:code>RNCP35584</cpf:code>\n"
        "            <cpf:natureDeposant>CERTIFICATEUR</cpf:natureDeposant>\n"
        "            <cpf:passageCertifications>\n"
        "              <cpf:passageCertification>\n"
        "                <cpf:idTechnique>A-1</cpf:idTechnique>\n"
        "                <cpf:urlPreuve>https://certif.example.fr/verifier/A-1</cpf:urlPreuve>\n"
        "                <cpf:libelleOption>Solutions logicielles</cpf:libelleOption>\n"
        "                <cpf:obtentionCertification>PAR_ADMISSION</cpf:obtentionCertification>\n"
        "                <cpf:donneeCertifiee>true</cpf:donneeCertifiee>\n"
        "                <cpf:dateDebutExamen>2025-06-02</cpf:dateDebutExamen>\n"
        "                <cpf:dateFinExamen>2025-06-04</cpf:dateFinExamen>\n"
        "                <cpf:modalitePassageExamen>EN_PRESENTIEL</cpf:modalitePassageExamen>\n"
        "                <cpf:codePostalCentreExamen>69007</cpf:codePostalCentreExamen>\n"
        "                <cpf:dateDebutValidite>2025-06-30</cpf:dateDebutValidite>\n"
        '                <cpf:dateFinValidite xsi:nil="true"/>\n'
        "                <cpf:presenceNiveauLangueEuro>false</cpf:presenceNiveauLangueEuro>\n"
        "                <cpf:presenceNiveauNumeriqueEuro>false</cpf:presenceNiveauNumeriqueEuro>\n"
        '                <cpf:scoring xsi:nil="true"/>\n'
        '                <cpf:mentionValidee xsi:nil="true"/>\n'
        "                <cpf:modalitesInscription>\n"
        "                  <cpf:modaliteAcces>"
        "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION</cpf:modaliteAcces>\n"
        "                  <cpf:dateInscription>2025-03-01</cpf:dateInscription>\n"
        "                </cpf:modalitesInscription>\n"
        "                <cpf:identificationTitulaire>\n"
        "                  <cpf:titulaire>\n"
        "                    <cpf:nomNaissance>Martin</cpf:nomNaissance>\n"
        "                    <cpf:nomUsage>Durand</cpf:nomUsage>\n"
        "                    <cpf:prenom1>Alice</cpf:prenom1>\n"
        "                    <cpf:prenom2>Marie</cpf:prenom2>\n"
        "                    <cpf:anneeNaissance>1990</cpf:anneeNaissance>\n"
        "                    <cpf:moisNaissance>5</cpf:moisNaissance>\n"
        "                    <cpf:jourNaissance>17</cpf:jourNaissance>\n"
        "                    <cpf:sexe>F</cpf:sexe>\n"
        "                    <cpf:codeCommuneNaissance>\n"
        "                      <cpf:codeInseeNaissance>\n"
        "                        <cpf:codeInsee>69123</cpf:codeInsee>\n"
        "                      </cpf:codeInseeNaissance>\n"
        "                    </cpf:codeCommuneNaissance>\n"
        "                    <cpf:libelleCommuneNaissance>Lyon</cpf:libelleCommuneNaissance>\n"
        "                    <cpf:libellePaysNaissance>France</cpf:libellePaysNaissance>\n"
        "                  </cpf:titulaire>\n"
        "                </cpf:identificationTitulaire>\n"
        "              </cpf:passageCertification>\n"
        "            </cpf:passageCertifications>\n"
        "          </cpf:certification>\n"
        "        </cpf:certifications>\n"
        "      </cpf:certificateur>\n"
        "    </cpf:certificateurs>\n"
        "  </cpf:emetteur>\n"
        "</cpf:flux>\n"
    )
    assert _reference_errors(xml) == []


def test_several_holders_of_two_certifications_validate_against_the_reference_xsd():
    lefevre = holder_from_profile(
        _profile(birth_name="N'Diaye-Lefèvre", first_name_1="Éléonore", usage_name="Moreau")
    )
    dartagnan = holder_from_profile(
        _profile(
            birth_name="D'Artagnan",
            first_name_1="Charles",
            first_name_2="Ogier",
            first_name_3="de Batz",
            sex="M",
            birth_commune_insee="",
            birth_postal_code="32190",
            birth_commune_name="Lupiac",
        )
    )
    # Born abroad: a country's INSEE code, or no code at all.
    muller = holder_from_profile(
        _profile(
            birth_name="Müller",
            first_name_1="Jürgen",
            sex="M",
            birth_commune_insee="99109",
            birth_commune_name="Berlin",
            birth_country_code="DEU",
            birth_country_name="Allemagne",
        )
    )
    ba = holder_from_profile(
        _profile(
            birth_name="Bâ",
            first_name_1="Aïssatou",
            birth_commune_insee="",
            birth_commune_name="Dakar",
            birth_country_code="SEN",
            birth_country_name="Sénégal",
        )
    )
    passages = [
        _passage(lefevre, "A-1"),
        _passage(dartagnan, "A-2", access_route=AccessRoute.VAE, certification_code="RS5487"),
        _passage(muller, "A-3", valid_until=datetime.date(2030, 6, 29)),
        _passage(ba, "A-4", access_route=None),
    ]

    xml = _flux(*passages)

    assert _reference_errors(xml) == []
    assert validate_flux(xml) == []
    root = etree.fromstring(xml)
    assert [
        (
            code,
            root.xpath(
                f"count(//cpf:certification[cpf:code='{code}']//cpf:titulaire)", namespaces=NS
            ),
        )
        for code in _texts(xml, ".//cpf:certification/cpf:code")
    ] == [("RNCP35584", 3.0), ("RS5487", 1.0)]
    assert _texts(xml, ".//cpf:nomNaissance") == ["N'Diaye-Lefèvre", "Müller", "Bâ", "D'Artagnan"]
    assert _texts(xml, ".//cpf:prenom1") == ["Éléonore", "Jürgen", "Aïssatou", "Charles"]
    assert _texts(xml, ".//cpf:prenom3") == ["de Batz"]
    assert _texts(xml, ".//cpf:codeInsee") == ["69123", "99109"]
    assert _texts(xml, ".//cpf:codePostalNaissance/cpf:codePostal") == [None, "32190"]
    assert root.xpath("//cpf:codePostal/@xsi:nil", namespaces={**NS, "xsi": XSI}) == ["true"]
    assert _texts(xml, ".//cpf:codePaysNaissance") == ["109"]
    assert _texts(xml, ".//cpf:libellePaysNaissance") == [
        "France",
        "Allemagne",
        "Sénégal",
        "France",
    ]
    assert _texts(xml, ".//cpf:dateFinValidite") == [None, "2030-06-29", None, None]
    assert _texts(xml, ".//cpf:modaliteAcces") == [
        "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
        "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
        None,
        "VAE",
    ]


def test_values_exactly_at_the_xsd_limits_validate():
    # 60 characters, accented at both ends: the XSD counts characters, not bytes.
    name = "É" + "a" * 58 + "é"
    holder = holder_from_profile(
        _profile(
            birth_name=name,
            usage_name=name,
            first_name_1="Ï" * 60,
            first_name_2="ô" * 60,
            first_name_3="Ç" * 60,
            birth_commune_name="S" * 60,
            birth_country_name="F" * 60,
        )
    )
    passage = _passage(holder, award_id="x" * 255, option_label="o" * 255, verbatim="v" * 255)

    xml = _flux(passage, flux_id="f" * 50, sender=CpfSender("03VML243", "C" * 20))

    assert _reference_errors(xml) == []
    assert _texts(xml, ".//cpf:nomNaissance") == [name]
    assert len(name.encode()) == 62


def test_a_name_typed_decomposed_is_counted_and_written_composed():
    decomposed = unicodedata.normalize("NFD", "É" * 60)
    assert len(decomposed) == 120

    holder = holder_from_profile(_profile(birth_name=decomposed))

    assert holder.birth_name == "É" * 60
    assert _texts(_flux(_passage(holder)), ".//cpf:nomNaissance") == ["É" * 60]


def test_names_keep_their_case_accents_and_punctuation():
    holder = holder_from_profile(
        _profile(birth_name="  de La Tour-d'Auvergne ", first_name_1="Marie-Ève ")
    )

    assert (holder.birth_name, holder.first_name_1) == ("de La Tour-d'Auvergne", "Marie-Ève")


def test_one_character_over_a_limit_is_reported_and_never_written():
    profile = _profile(birth_name="N" * 61, birth_commune_name="L" * 61)

    problems = cpf_problems(profile)

    assert problems == [
        "Birth name has 61 characters; the CPF declaration accepts at most 60 (nomNaissance).",
        "Birth commune has 61 characters; the CPF declaration accepts at most 60 "
        "(libelleCommuneNaissance).",
    ]
    with pytest.raises(CpfError) as raised:
        holder_from_profile(profile)
    assert raised.value.messages == problems


def test_a_holder_over_a_limit_stops_the_whole_file():
    good = holder_from_profile(_profile())
    too_long = CpfHolder(
        birth_name="Martin",
        first_name_1="P" * 61,
        birth_date=datetime.date(1990, 5, 17),
        sex="M",
        birth_commune_insee="69123",
        birth_commune_name="Lyon",
    )

    with pytest.raises(CpfError) as raised:
        _flux(_passage(good, "A-1"), _passage(too_long, "A-2"))

    assert raised.value.messages == [
        f"A-2 (Martin {'P' * 61}): First name has 61 characters; the CPF declaration accepts "
        "at most 60 (prenom1)."
    ]


def test_a_passage_value_over_a_limit_names_the_award_and_its_holder():
    holder = holder_from_profile(_profile())
    passage = _passage(holder, option_label="o" * 256, exam_postal_code="6900712345")

    with pytest.raises(CpfError) as raised:
        _flux(passage)

    assert raised.value.messages == [
        "A-1 (Martin Alice): Option has 256 characters; the CPF declaration accepts at most "
        "255 (libelleOption).",
        "A-1 (Martin Alice): Postal code of the exam centre has 10 characters; the CPF "
        "declaration accepts at most 9 (codePostalCentreExamen).",
    ]


@pytest.mark.parametrize(
    ("name", "code_point"),
    [("Dupont\x07", "U+0007"), ("Marie\nClaire", "U+000A"), ("Dupont\uffff", "U+FFFF")],
)
def test_a_character_the_file_cannot_carry_is_reported(name, code_point):
    profile = _profile(first_name_1=name)

    assert cpf_problems(profile) == [
        f"First name holds {code_point}, a control character, a line break or another "
        "character the CPF file cannot carry (prenom1): remove it."
    ]
    with pytest.raises(CpfError):
        _flux(_passage(CpfHolder(**{**_holder_values(), "first_name_1": name})))


def test_missing_fields_are_said_with_the_registration_rule():
    assert cpf_problems(None) == [
        "The record lacks what the CPF declaration needs: birth name, first name, date of "
        "birth, sex, birth place (INSEE code, or postal code and commune), birth country."
    ]
    assert cpf_problems(_profile(sex="", birth_date=None)) == [
        "The record lacks what the CPF declaration needs: date of birth, sex."
    ]


def test_values_outside_the_xsd_enumerations_and_years_are_reported():
    profile = _profile(sex="X", birth_date=datetime.date(1899, 12, 31))

    assert cpf_problems(profile) == [
        "Date of birth: the year 1899 is outside 1900–2099, the years the CPF declaration "
        "accepts (anneeNaissance).",
        "Sex: “X” is not one of M, F, the values of the CPF declaration (sexe).",
    ]


def test_codes_of_the_wrong_length_are_reported():
    holder = CpfHolder(**{**_holder_values(), "birth_commune_insee": "6912"})

    assert cpf_problems(holder) == [
        "INSEE code of the birth commune has 4 characters; the CPF declaration needs exactly "
        "5 (codeInsee)."
    ]


def test_horodatage_has_the_french_offset_in_winter_and_in_summer():
    summer = datetime.datetime(2025, 7, 15, 9, 30, tzinfo=datetime.UTC)
    before_switch = datetime.datetime(2025, 3, 30, 0, 59, 59, tzinfo=datetime.UTC)
    after_switch = datetime.datetime(2025, 3, 30, 1, 0, 0, tzinfo=datetime.UTC)

    stamps = [horodatage(moment) for moment in (WINTER, summer, before_switch, after_switch)]

    assert stamps == [
        "2025-01-15T10:30:05+01:00",
        "2025-07-15T11:30:00+02:00",
        "2025-03-30T01:59:59+01:00",
        "2025-03-30T03:00:00+02:00",
    ]
    holder = holder_from_profile(_profile())
    assert _texts(_flux(_passage(holder), created_at=summer), "cpf:horodatage") == [
        "2025-07-15T11:30:00+02:00"
    ]
    assert _reference_errors(_flux(_passage(holder), created_at=summer)) == []


def test_horodatage_refuses_a_time_without_zone():
    with pytest.raises(ValueError, match="aware"):
        horodatage(datetime.datetime(2025, 1, 15, 10, 30))


def test_every_access_route_maps_to_a_modalite_acces_of_the_xsd():
    schema = etree.parse(str(REFERENCE_XSD))
    allowed = schema.xpath(
        "//xsd:simpleType[@name='modaliteAcces']//xsd:enumeration/@value",
        namespaces={"xsd": "http://www.w3.org/2001/XMLSchema"},
    )
    holder = holder_from_profile(_profile())
    passages = [_passage(holder, route.value, access_route=route) for route in AccessRoute]

    xml = _flux(*passages)

    assert {route.value: route.cpf_value for route in AccessRoute} == {
        "initial": "FORMATION_INITIALE_HORS_APPRENTISSAGE",
        "apprenticeship": "FORMATION_INITIALE_APPRENTISSAGE",
        "continuing": "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
        "professionalisation": "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION",
        "individual": "CANDIDAT_LIBRE",
        "vae": "VAE",
    }
    assert set(_texts(xml, ".//cpf:modaliteAcces")) <= set(allowed)
    assert set(allowed) - set(_texts(xml, ".//cpf:modaliteAcces")) == {
        "EQUIVALENCE_DIPLOME_ETRANGER"
    }
    assert _reference_errors(xml) == []


def test_an_invalid_file_is_reported_with_its_line_and_element():
    xml = _flux(_passage(holder_from_profile(_profile())))
    broken = xml.replace(b"<cpf:sexe>F</cpf:sexe>", b"<cpf:sexe>X</cpf:sexe>").replace(
        b"<cpf:nomNaissance>Martin</cpf:nomNaissance>",
        b"<cpf:nomNaissance>" + b"N" * 61 + b"</cpf:nomNaissance>",
    )

    assert validate_flux(broken) == [
        "line 32: Element '{urn:cdc:cpf:pc5:schema:1.0.0}nomNaissance': [facet 'maxLength'] "
        "The value has a length of '61'; this exceeds the allowed maximum length of '60'.",
        "line 38: Element '{urn:cdc:cpf:pc5:schema:1.0.0}sexe': [facet 'enumeration'] The "
        "value 'X' is not an element of the set {'M', 'F'}.",
    ]
    assert validate_flux(b'<?xml version="1.0"?>\n<flux>\n<idFlux>1</flux>') == [
        "line 3: Opening and ending tag mismatch: idFlux line 3 and flux"
    ]
    assert validate_flux(b'<?xml version="1.0"?>\n<flux/>') == [
        "line 2: Element 'flux': No matching global declaration available for the validation root."
    ]


def test_the_sender_comes_from_the_settings_and_empty_ones_are_refused(settings):
    settings.CPF_CLIENT_ID = ""
    settings.CPF_CONTRACT_ID = ""
    holder = holder_from_profile(_profile())

    with pytest.raises(CpfError) as raised:
        _flux(_passage(holder), sender=sender_from_settings())

    assert raised.value.messages == [
        "CDC client number (setting CPF_CLIENT_ID) has 0 characters; the CPF declaration "
        "needs exactly 8 (idClient).",
        "CDC contract number (setting CPF_CONTRACT_ID) is empty; the CPF declaration needs "
        "it (idContrat).",
    ]
    settings.CPF_CLIENT_ID = " 03VML243 "
    settings.CPF_CONTRACT_ID = "MCFCER000209"
    assert sender_from_settings() == SENDER


def test_a_file_without_awards_or_with_a_repeated_or_unknown_one_is_refused():
    holder = holder_from_profile(_profile())

    with pytest.raises(CpfError) as nothing:
        _flux()
    with pytest.raises(CpfError) as twice:
        _flux(
            _passage(holder, "A-1"),
            _passage(holder, "A-1"),
            _passage(holder, "A-2", certification_code="35584"),
        )

    assert nothing.value.messages == ["There is no award to declare."]
    assert twice.value.messages == [
        "The award A-1 is twice in the file.",
        "35584 is not an RNCP or RS number (such as RNCP35584).",
    ]


def test_exam_mode_follows_the_orals():
    assert [
        exam_mode(modes) for modes in ([], ["on_site"], ["remote", "remote"], ["on_site", "remote"])
    ] == [
        None,
        "EN_PRESENTIEL",
        "A_DISTANCE",
        "MIXTE",
    ]


def test_a_passage_refuses_values_outside_our_enums():
    holder = holder_from_profile(_profile())

    with pytest.raises(ValueError, match="'bus'"):
        _passage(holder, access_route="bus")
    with pytest.raises(ValueError, match="exam_mode must be one of"):
        _passage(holder, exam_mode="EN_LIGNE")


def test_problems_are_said_in_french():
    with translation.override("fr"):
        problems = cpf_problems(_profile(birth_name="N" * 61, sex=""))

    assert problems == [
        "Il manque au dossier ce dont la déclaration CPF a besoin\u202f: sexe.",
        "Nom de naissance\u202f: 61 caractères, la déclaration CPF en accepte au plus 60 "
        "(nomNaissance).",
    ]
