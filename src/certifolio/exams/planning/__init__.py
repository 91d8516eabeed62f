"""The planner of orals, apart from Django: its data (``model``), the CP-SAT solver
(``solver``) and the independent check of a plan (``check``).

Nothing here reads the database: ``exams.domain.scheduling`` builds a ``Problem`` from a
session and saves what the solver returns; the export of a session's schedule holds the
same data, so that a plan can be re-checked outside certifolio.
"""
