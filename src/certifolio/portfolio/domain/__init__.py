"""The portfolio's workflows, one module per subject: cases (portfolios, cases, mappings),
evidence (files and presentation supports), records (candidate records), submission."""
