"""patients.pdf, and patients/ with one PDF per patient page (--pdf-per-patient), with
WeasyPrint (the optional extra ``prolactin-triage[pdf]``), imported lazily.

WeasyPrint is given a URL fetcher that refuses everything but ``data:`` URIs, so a lab's own
template cannot make the PDF step fetch anything either.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import IO, Any, Final

from triage.output.options import PATIENT_PDF_DIR, PATIENT_PDF_STEM_MAX, is_patient_pdf
from triage.schema import TriageError

INSTALL_HINT = "pip install 'prolactin-triage[pdf]'"


class PdfUnavailableError(TriageError):
    """--pdf was asked for but WeasyPrint (the ``pdf`` extra) cannot be loaded."""

    exit_code = 2

    def __init__(self, reason: str, option: str = "--pdf") -> None:
        self.reason = reason
        super().__init__(
            f"PDF output needs WeasyPrint, which is not available ({reason}); "
            f"install it with: {INSTALL_HINT} (or leave out {option} and print patients.html)"
        )


def _weasyprint(option: str = "--pdf") -> Any:
    try:
        import weasyprint
    except ImportError as exc:
        raise PdfUnavailableError("not installed", option) from exc
    except OSError as exc:  # the package is there but its system libraries (Pango) are not
        raise PdfUnavailableError(f"system libraries missing: {exc}", option) from exc
    return weasyprint


def require_pdf(option: str) -> None:
    """PdfUnavailableError now (before any input is read) unless WeasyPrint can be loaded."""
    _weasyprint(option)


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


# --pdf-per-patient: file names -------------------------------------------------------------
_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")
_EDGES: Final = "._-"
# Names Windows will not open as files, whatever the extension.
_RESERVED: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}
)
_SUFFIX_ROOM: Final = 8  # "-" and a counter, for a name taken already


def safe_stem(label: str) -> str:
    """``label`` (a specimen number, a patient token or id) as a file name's stem: ASCII
    letters, digits, '.', '_' and '-' only (others, path separators and control characters
    included, become '-'), starting with a letter or digit, at most PATIENT_PDF_STEM_MAX -
    _SUFFIX_ROOM characters; '' when nothing usable is left."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    stem = _UNSAFE.sub("-", ascii_text).strip(_EDGES)
    stem = stem[: PATIENT_PDF_STEM_MAX - _SUFFIX_ROOM].rstrip(_EDGES)
    if stem.split(".")[0].upper() in _RESERVED:
        stem += "_"
    return stem


def patient_pdf_names(labels: Sequence[str]) -> list[str]:
    """The file of each patient page (in page order), "patients/<label>.pdf": the label made
    safe (``safe_stem``; "patient-N" when nothing is left), names that would clash (also by
    case alone, as on macOS and Windows) told apart by "-2", "-3", ..."""
    names: list[str] = []
    taken: set[str] = set()
    for number, label in enumerate(labels, start=1):
        stem = safe_stem(label) or f"patient-{number}"
        candidate, n = stem, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{stem}-{n}"
        taken.add(candidate.casefold())
        name = f"{PATIENT_PDF_DIR}/{candidate}.pdf"
        assert is_patient_pdf(name), name
        names.append(name)
    return names
