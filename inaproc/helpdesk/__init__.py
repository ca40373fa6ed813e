"""Helpdesk: staff tools for users who are stuck (locked usernames, login activity)."""
