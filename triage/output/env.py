"""The Jinja2 environment of the reports and the rendering of summary.html / patients.html.

Autoescape is on for every template whatever its name, undefined names are errors, and a lab's
templates run sandboxed (its folder is configuration, not code).  A lab's folder
(``--template-dir``) is searched first, then the bundled ``report_templates``; a lab may override
one file (e.g. only ``report.css``) and keep the rest.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Final

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from triage.output.views import PatientPage, PatientsView, SummaryView
from triage.resources import bundled_dir
from triage.schema import ReportSettingError

SUMMARY_TEMPLATE: Final = "summary.html.j2"
PATIENTS_TEMPLATE: Final = "patients.html.j2"
STYLESHEETS: Final[tuple[str, ...]] = ("report.css", "print.css")  # inlined in this order
# What a stylesheet may not hold: a way out of <style>, or a fetch of anything but a data: URI.
_UNSAFE_CSS: Final = re.compile(
    r"</\s*style|@import|expression\s*\(|javascript:|url\(\s*+['\"]?+\s*+(?!data:)",
    re.IGNORECASE,
)


def make_environment(template_dir: Path | None = None) -> jinja2.Environment:
    """Autoescaping, strict environment: the lab's folder first, then the bundled templates.

    With a lab's folder the environment is sandboxed (its templates are configuration, not
    code) and new on every call, so that an edited template is read by the next run; the bundled
    templates alone run in a plain environment, which is faster, made once per process (its
    templates never change, and compiling them is a large share of a small run's time).
    """
    if template_dir is None:
        return _bundled_environment()
    if not template_dir.is_dir():
        raise ReportSettingError(str(template_dir), "template folder does not exist")
    return _environment(SandboxedEnvironment, jinja2.FileSystemLoader(str(template_dir)))


@cache
def _bundled_environment() -> jinja2.Environment:
    """The bundled templates' environment (nothing changes it after it is made: no globals or
    filters are added per run, so runs may share it)."""
    return _environment(jinja2.Environment)


def _environment(kind: type[jinja2.Environment], *first: jinja2.BaseLoader) -> jinja2.Environment:
    bundled = jinja2.FileSystemLoader(str(bundled_dir("report_templates")))
    return kind(
        loader=jinja2.ChoiceLoader([*first, bundled]),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        finalize=_without_bidi_controls,
    )


# Characters that reorder the text after them (right-to-left overrides and isolates): in a name
# they make "Zoë Müller" display reversed, and nothing in a lab export needs them.
_BIDI_CONTROLS: Final = dict.fromkeys(
    map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
)


def _without_bidi_controls(value: object) -> object:
    """Every value a template shows, without bidi controls (the tool's own markup untouched)."""
    if isinstance(value, str) and not isinstance(value, Markup) and not value.isascii():
        return value.translate(_BIDI_CONTROLS)
    return value


def _source(env: jinja2.Environment, name: str) -> tuple[str, str]:
    """Text of a file of the template folders and where it came from."""
    if env.loader is None:  # pragma: no cover - make_environment always sets one
        raise ReportSettingError(name, "no template loader")
    try:
        text, filename, _ = env.loader.get_source(env, name)
    except jinja2.TemplateNotFound as exc:
        raise ReportSettingError(name, "stylesheet not found in the template folders") from exc
    return text, filename or name


def stylesheet(env: jinja2.Environment) -> Markup:
    """The report stylesheets joined, checked to hold no way out of <style> and no fetch."""
    parts: list[str] = []
    for name in STYLESHEETS:
        text, where = _source(env, name)
        bad = _UNSAFE_CSS.search(text)
        if bad:
            line = text.count("\n", 0, bad.start()) + 1
            raise ReportSettingError(
                where,
                f"stylesheet may not contain {bad.group(0).strip()!r}: reports fetch nothing",
                line=line,
            )
        parts.append(text)
    return Markup("\n".join(parts))  # noqa: S704 - checked above; CSS is not HTML-escaped


def _template(env: jinja2.Environment, name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise ReportSettingError(
            exc.filename or name, exc.message or "syntax error", line=exc.lineno
        ) from exc
    except jinja2.TemplateNotFound as exc:
        raise ReportSettingError(name, "template not found") from exc


def _config_error(exc: jinja2.TemplateError, name: str) -> ReportSettingError:
    return ReportSettingError(name, f"template error: {exc.message or exc}")


def check_templates(env: jinja2.Environment) -> None:
    """Load both templates and the stylesheets: ConfigError before any data is written."""
    _template(env, SUMMARY_TEMPLATE)
    _template(env, PATIENTS_TEMPLATE)
    stylesheet(env)


def render_summary(env: jinja2.Environment, view: SummaryView) -> str:
    """summary.html as one string (it shows at most max_summary_rows rows, so it stays small)."""
    template = _template(env, SUMMARY_TEMPLATE)
    try:
        return template.render(view=view, run=view.run, css=stylesheet(env))
    except jinja2.TemplateError as exc:
        raise _config_error(exc, template.filename or SUMMARY_TEMPLATE) from exc


# The parts of patients.html render_patient_parts tells apart.
BEFORE_PAGES, PAGES, AFTER_PAGES = 0, 1, 2


class _TrackedPages:
    """The pages of a view, remembering how far the template has taken them."""

    def __init__(self, pages: Iterator[PatientPage]) -> None:
        self._pages = pages
        self.part = BEFORE_PAGES

    def __iter__(self) -> _TrackedPages:
        return self

    def __next__(self) -> PatientPage:
        try:
            page = next(self._pages)
        except StopIteration:
            self.part = AFTER_PAGES
            raise
        self.part = PAGES
        return page


def render_patient_parts(
    env: jinja2.Environment, view: PatientsView, *, pieces: int = 4096
) -> Iterator[tuple[int, str]]:
    """patients.html in blocks (of at most ``pieces`` pieces of the template's output), each
    with the part it belongs to: BEFORE_PAGES (up to the first page), PAGES, AFTER_PAGES.  A
    piece belongs to the part in which the template asked for it: the template takes the pages
    one by one, as the bundled one does (a template that looks ahead with ``loop.last`` would
    not, so this is used for the bundled templates only)."""
    template = _template(env, PATIENTS_TEMPLATE)
    tracked = _TrackedPages(iter(view.pages))
    shown = dataclasses.replace(view, pages=tracked)
    stream = template.generate(view=shown, run=view.run, css=stylesheet(env))
    # Pieces of one part are joined into blocks: one write per block, not per template piece.
    block: list[str] = []
    part = tracked.part
    try:
        for piece in stream:
            if tracked.part != part or len(block) >= pieces:
                if block:
                    yield part, "".join(block)
                    block.clear()
                part = tracked.part
            block.append(piece)
        if block:
            yield part, "".join(block)
    except jinja2.TemplateError as exc:
        raise _config_error(exc, template.filename or PATIENTS_TEMPLATE) from exc


def render_patients(
    env: jinja2.Environment, view: PatientsView, *, pieces: int = 4096
) -> Iterator[str]:
    """patients.html in blocks (of ``pieces`` pieces of the template's output), pages built as
    they are rendered (for large batches)."""
    template = _template(env, PATIENTS_TEMPLATE)
    stream = template.generate(view=view, run=view.run, css=stylesheet(env))
    try:
        while block := list(islice(stream, pieces)):
            yield "".join(block)
    except jinja2.TemplateError as exc:
        raise _config_error(exc, template.filename or PATIENTS_TEMPLATE) from exc
