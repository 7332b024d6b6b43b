"""prolactin-triage: decision support for serum prolactin results."""

__version__ = "0.1.0"
TOOL_NAME = "prolactin-triage"
