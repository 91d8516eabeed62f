"""The grading workflows: grades (grades.py), deliberation and decisions
(deliberations.py), minutes, their approval and seal (minutes.py)."""
