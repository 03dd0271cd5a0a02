"""Accounts: people, roles, teams, sign-in sessions and the audit log of views of others' data."""
