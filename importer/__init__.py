"""Bulk import of agenda spreadsheets into Zuddl event sessions."""

__version__ = "0.1.0"
