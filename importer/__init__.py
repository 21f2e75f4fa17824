"""Bulk import of agenda spreadsheets into Zuddl event sessions."""

__version__ = "0.1.0"

import logging as _logging

# A library logs; the application decides where it goes (the CLI's --log-file).
_logging.getLogger("zuddl_import").addHandler(_logging.NullHandler())
