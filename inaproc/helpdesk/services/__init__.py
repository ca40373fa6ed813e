"""Writes of the helpdesk app: the audit of staff looking at accounts, tickets, and the
account tools a ticket leads to. Unlocking itself is `accounts.services.signin.account_unlock`."""

from inaproc.helpdesk.services.activity import login_activity_view_record

__all__ = ["login_activity_view_record"]
