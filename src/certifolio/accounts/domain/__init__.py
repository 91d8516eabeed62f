"""The accounts' workflows: people and roles, invitations, API tokens, second factor."""
