"""1EdTech CASE 1.1 exchange: a version as a CFPackage, and a CFPackage as a new draft.

The certification is the CFDocument; blocks, competencies and options are CFItems tied
by ``isChildOf`` (and ``isPartOf`` from a block to its option); the criteria are the
CFRubricCriteria of one CFRubric. What CASE has no field for travels in ``extensions``
under the ``certifolio`` key. docs/exchange-formats.md holds the whole mapping.

``writer`` writes a package and ``reader`` reads and checks one; both are pure (no
database writes). The import workflow (``referential.domain.exchange``) maps the package
back to a document of the project's own format and loads it with ``load_referential``,
so a package and a YAML file pass the same checks.
"""

import re
import uuid
from pathlib import Path

from certifolio.referential.documents import ReferentialDocumentError
from certifolio.referential.policies import POLICY_FIELDS

SCHEMA_PATH = Path(__file__).parent.parent / "data" / "case-v1p1-cfpackage.schema.json"
# Prefix of every URI in a package; a deployment that serves CASE over HTTP sets an
# https base instead. Identifiers, not URIs, link the objects on import.
DEFAULT_URI_BASE = "urn:certifolio:"
# Namespace of the identifiers of what certifolio keeps no row for (associations, item
# types, the rubric and its levels): derived from stored uuids, so they are stable.
CASE_NAMESPACE = uuid.UUID("7e1bae85-a470-48a5-a46c-f8a37ebba2c5")
EXTENSION = "certifolio"
FICHE_URL = "https://www.francecompetences.fr/recherche/{kind}/{digits}/"
NUMBER_RE = re.compile(r"^(RNCP|RS)(\d{1,6})$")
FICHE_URL_RE = re.compile(
    r"^https?://(?:www\.)?francecompetences\.fr/recherche/(rncp|rs)/(\d{1,6})/?$"
)

BLOCK, COMPETENCY, OPTION = "block", "competency", "option"
# The CFItemType labels are the data's language (French) and identify the kind of an
# item on import: they are not translated.
ITEM_TYPES = {
    BLOCK: {
        "title": "Bloc de compétences",
        "description": "Bloc de compétences d'une certification professionnelle, évalué "
        "et validé séparément.",
        "hierarchyCode": "1",
    },
    COMPETENCY: {
        "title": "Compétence",
        "description": "Compétence d'un bloc ; ses critères d'évaluation sont ceux de la "
        "grille d'évaluation (CFRubric).",
        "hierarchyCode": "1.1",
    },
    OPTION: {
        "title": "Option",
        "description": "Option (spécialisation) : ses blocs complètent les blocs communs "
        "pour obtenir la certification.",
        "hierarchyCode": "2",
    },
}
KIND_BY_TYPE = {definition["title"]: kind for kind, definition in ITEM_TYPES.items()}
CERTIFICATION_EXTENSION_FIELDS = (
    "slug",
    "level_national",
    "level_eu",
    "certifier_siret",
    "decision_date",
    "status",
)
VERSION_EXTENSION_FIELDS = ("label", *POLICY_FIELDS)
BLOCK_EXTENSION_FIELDS = ("activities", "evaluation_modality")
MAX_LISTED_ERRORS = 20


class CaseImportError(ReferentialDocumentError):
    """A CASE package that cannot be imported; the message says why, for a person."""
