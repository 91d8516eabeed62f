"""The referential's workflows, one module per subject: versions (open a draft, publish),
loading (a document of the project's own format), exchange (CASE packages and France
Compétences fiches imported as drafts)."""
