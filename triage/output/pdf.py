"""patients.pdf with WeasyPrint (the optional extra ``prolactin-triage[pdf]``), imported lazily.

WeasyPrint is given a URL fetcher that refuses everything but ``data:`` URIs, so a lab's own
template cannot make the PDF step fetch anything either.
"""

from __future__ import annotations

from typing import IO, Any

from triage.schema import TriageError

INSTALL_HINT = "pip install 'prolactin-triage[pdf]'"


class PdfUnavailableError(TriageError):
    """--pdf was asked for but WeasyPrint (the ``pdf`` extra) cannot be loaded."""

    exit_code = 2

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(
            f"PDF output needs WeasyPrint, which is not available ({reason}); "
            f"install it with: {INSTALL_HINT} (or leave out --pdf and print patients.html)"
        )


def _weasyprint() -> Any:
    try:
        import weasyprint
    except ImportError as exc:
        raise PdfUnavailableError("not installed") from exc
    except OSError as exc:  # the package is there but its system libraries (Pango) are not
        raise PdfUnavailableError(f"system libraries missing: {exc}") from exc
    return weasyprint


def _refusing_fetcher(weasyprint: Any) -> Any:
    """A URL fetcher that inlines data: URIs (the logo) and refuses every other scheme."""
    fetcher_class = getattr(weasyprint, "URLFetcher", None)
    if fetcher_class is not None:  # WeasyPrint 66 and later
        return fetcher_class(allowed_protocols=("data",), allow_redirects=False)

    def fetch(url: str, *args: Any, **kwargs: Any) -> Any:  # earlier versions: a function
        if url.startswith("data:"):
            return weasyprint.default_url_fetcher(url, *args, **kwargs)
        raise ValueError("the reports fetch nothing (only data: URIs are inlined)")

    return fetch


def render_pdf(html: str, handle: IO[bytes]) -> None:
    """Print ``html`` (patients.html) to PDF into ``handle``."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(
        string=html, base_url=None, url_fetcher=_refusing_fetcher(weasyprint)
    )
    document.write_pdf(target=handle)
