"""Helpdesk: the public contact page and tickets, and the staff's tools for users who are
stuck (locked usernames, login activity, second-factor reset; from a ticket: unlock,
resend the confirmation link, start a password reset)."""
