"""Who may read the audit trail: certification managers and auditors."""

import rules

from certifolio.accounts.rules import is_auditor, is_manager

rules.add_perm("common.view_audit", is_manager | is_auditor)
