"""Views of the helpdesk: the staff account tools (`accounts`), the public contact page
and tickets (`tickets_public`), the staff queue and ticket page (`tickets_staff`) and
ticket attachments (`attachments`)."""
