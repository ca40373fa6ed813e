"""Logging filters named in settings.LOGGING."""

import logging


class WithoutTraceback(logging.Filter):
    """Drop the traceback of a record, keep its one line: for expected noise such as a
    request for a host name this server does not serve (`django.security.DisallowedHost`,
    every scanner on the internet sends them), whose traceback says nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
