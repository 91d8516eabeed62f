"""Demo portfolios: realistic cases and evidence mapped to the seed title's criteria.

Léa (Lyon) has a portfolio in progress, Yanis (Lyon) has submitted his, Hugo (Nantes)
has just started. Loading them again changes nothing: a portfolio that has cases is left
as it is.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.dateparse import parse_date

from certifolio.demo.files import minimal_pdf, minimal_png
from certifolio.portfolio.domain.cases import (
    choose_blocks,
    create_case,
    map_to_criterion,
    open_portfolio,
)
from certifolio.portfolio.domain.evidence import add_evidence_files
from certifolio.portfolio.domain.submission import submit_portfolio
from certifolio.portfolio.models import Case
from certifolio.referential.models import Block, Criterion

CASE_MIGRATION = {
    "title": "Migration du SI d’une PME vers un cloud hybride",
    "kind": "company",
    "context": "Transports Rhône-Alpes (120 salariés), alternance 2025-2026",
    "period_start": "2025-09-01",
    "period_end": "2026-06-30",
    "narrative": (
        "## Contexte\n\nLa PME hébergeait ses applications métier sur deux serveurs en fin "
        "de vie. J’ai mené l’analyse des besoins avec la direction et les équipes "
        "d’exploitation, puis rédigé le **cahier des charges**.\n\n## Ce que j’ai fait\n\n"
        "- recueil des besoins et étude de faisabilité (contraintes RGPD, budget, délais) ;\n"
        "- comparaison de trois offres IaaS et d’une solution interne ;\n"
        "- macroplanning et chiffrage des moyens ;\n- maquette de la cible et plan de "
        "reprise d’activité.\n\n## Résultat\n\nLa migration a été réalisée en deux vagues "
        "sans interruption de service au-delà de la fenêtre de maintenance prévue."
    ),
}
CASE_API = {
    "title": "API de suivi des livraisons et base de données",
    "kind": "real_study",
    "context": "Projet de fin d’année, équipe de 4",
    "period_start": "2026-01-05",
    "period_end": "2026-03-27",
    "narrative": (
        "Conception du schéma de données (modèle entité-association puis schéma physique "
        "normalisé), développement d’une API REST documentée, tests automatisés et "
        "optimisation des requêtes les plus lentes (gain mesuré : ×6 sur la liste des "
        "tournées)."
    ),
}


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _criterion(version, code: str, title_start: str) -> Criterion:
    return Criterion.objects.get(
        version=version, competency__code=code, title__startswith=title_start
    )


def _map_all(portfolio, candidate, links) -> None:
    """Map each (competency code, criterion title start, evidence or case, justification)."""
    for code, title_start, target, justification in links:
        on_case = isinstance(target, Case)
        map_to_criterion(
            portfolio,
            criterion=_criterion(portfolio.version, code, title_start),
            evidence=None if on_case else target,
            case=target if on_case else None,
            justification=justification,
            actor=candidate,
        )


def _build_migration_case(portfolio, candidate):
    values = {**CASE_MIGRATION}
    values["period_start"] = parse_date(values["period_start"])
    values["period_end"] = parse_date(values["period_end"])
    case = create_case(portfolio, actor=candidate, **values)
    specs, diagram, notes = add_evidence_files(
        case,
        uploads=[
            _upload(
                "cahier-des-charges.pdf",
                minimal_pdf(
                    "Cahier des charges - migration cloud hybride",
                    [
                        "1. Contexte et objectifs",
                        "2. Contraintes legales (RGPD)",
                        "3. Besoins de capacite et de disponibilite",
                        "4. Macroplanning",
                    ],
                ),
            ),
            _upload("architecture-cible.png", minimal_png()),
            _upload(
                "comparatif-offres.md",
                (
                    "# Comparatif des offres\n\n| offre | coût annuel | réversibilité |\n"
                    "| --- | --- | --- |\n| A | 38 k€ | bonne |\n| B | 41 k€ | moyenne |\n"
                    "| interne | 55 k€ | totale |\n"
                ).encode(),
            ),
        ],
        actor=candidate,
    )
    _map_all(
        portfolio,
        candidate,
        [
            (
                "C1.1",
                "La pertinence du cahier",
                specs,
                "Le cahier des charges intègre l’étude de faisabilité et le chiffrage des moyens.",
            ),
            (
                "C1.1",
                "L'adéquation du macro",
                specs,
                "Le macroplanning (partie 4) détaille équipes et durées.",
            ),
            (
                "C1.2",
                "Réalisme des maquettes",
                diagram,
                "Le schéma d’architecture cible est la maquette validée par le client.",
            ),
            (
                "C1.2",
                "La pertinence de la",
                notes,
                "Le comparatif justifie le choix entre offres du marché et solution interne.",
            ),
        ],
    )
    return case


def _build_api_case(portfolio, candidate):
    values = {**CASE_API}
    values["period_start"] = parse_date(values["period_start"])
    values["period_end"] = parse_date(values["period_end"])
    case = create_case(portfolio, actor=candidate, **values)
    schema, code = add_evidence_files(
        case,
        uploads=[
            _upload(
                "schema.sql",
                (
                    b"CREATE TABLE tournee (\n  id BIGSERIAL PRIMARY KEY,\n  date_tournee DATE "
                    b"NOT NULL,\n  chauffeur_id BIGINT NOT NULL REFERENCES chauffeur(id)\n);\n"
                    b"CREATE INDEX tournee_date_idx ON tournee (date_tournee);\n"
                ),
            ),
            _upload(
                "livraisons_api.py",
                (
                    b'"""API de suivi des livraisons."""\n\n\ndef tournees_du_jour(connexion, '
                    b'jour):\n    return connexion.execute(\n        "SELECT id, chauffeur_id FROM '
                    b'tournee WHERE date_tournee = %s", (jour,)\n    ).fetchall()\n'
                ),
            ),
        ],
        actor=candidate,
    )
    _map_all(
        portfolio,
        candidate,
        [
            (
                "C4.3",
                "La cohérence des sch",
                schema,
                "Schéma normalisé, règles de nommage respectées, index sur les recherches "
                "fréquentes.",
            ),
            (
                "C4.2",
                "La qualité du code",
                code,
                "Code documenté, requêtes paramétrées, nommage cohérent.",
            ),
            (
                "C4.5",
                "L'optimisation des",
                case,
                "Le récit présente l’ancienne et la nouvelle version avec le gain mesuré.",
            ),
        ],
    )
    return case


def load_demo_portfolios(version, candidates: dict) -> list[str]:
    """Build the demo portfolios; returns one line per candidate for the printout."""
    blocks = {block.code: block for block in Block.objects.filter(version=version)}
    chosen = [blocks["BC01"], blocks["BC02"], blocks["BC04"]]
    lines = []
    lea, yanis, hugo = candidates["lea"], candidates["yanis"], candidates["hugo"]
    portfolio, _created = open_portfolio(lea, actor=lea, version=version)
    if not portfolio.cases.exists():
        choose_blocks(portfolio, blocks=chosen, actor=lea)
        _build_migration_case(portfolio, lea)
        _build_api_case(portfolio, lea)
    lines.append(f"  {lea.email}: portfolio in progress (2 cases, 5 files)")
    portfolio, _created = open_portfolio(yanis, actor=yanis, version=version)
    if not portfolio.cases.exists():
        choose_blocks(portfolio, blocks=chosen, actor=yanis)
        _build_migration_case(portfolio, yanis)
        submit_portfolio(portfolio, blocks=chosen, actor=yanis, confirm_uncovered=True)
    lines.append(f"  {yanis.email}: portfolio submitted")
    open_portfolio(hugo, actor=hugo, version=version)
    lines.append(f"  {hugo.email}: empty portfolio")
    return lines
