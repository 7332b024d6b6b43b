"""summary.html: the batch at a glance, from small aggregates (counts per priority and status),
the narrow keys of every row (output/patients.py ``BatchKeys``) and, fetched back at the end,
only the rows its table shows (at most ``max_summary_rows``, the most pressing first)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from triage.knowledge.loaders import load_thresholds
from triage.numbers import fmt
from triage.output.patients import BatchKeys, PatientPlan
from triage.output.views import (
    PATIENT_FILE,
    PRIORITY_LABELS,
    PRIORITY_MEANINGS,
    STATUS_MEANINGS,
    URGENT_BANNER_MAX,
    CountView,
    InputView,
    PriorityGroup,
    RejectedView,
    ResultTable,
    ResultView,
    RunView,
    SummaryView,
    humanise,
    reference_set_views,
)
from triage.schema import (
    INPUT_FAILURES,
    PRIORITIES,
    REJECT_REASONS,
    STATUSES,
    InputSummary,
    Rejected,
)
from triage.urgent import OverdueReminder


def priority_order(keys: BatchKeys) -> np.ndarray:
    """Positions by priority (urgent first), then ng/mL descending (missing last)."""
    ng = np.where(np.isnan(keys.ng_ml), -np.inf, keys.ng_ml)
    positions = np.arange(keys.size)
    return np.lexsort((positions, -ng, keys.rank))


def count_views(
    tally: Mapping[str, int],
    codes: Sequence[str],
    labels: Mapping[str, str],
    meanings: Mapping[str, str] | None = None,
) -> list[CountView]:
    """Counts of the known codes in order (zero included), then any other value found;
    ``meanings``: what each code's count counts, said beside it."""
    rest = dict(tally)
    said = meanings or {}
    out = [CountView(c, labels.get(c, humanise(c)), rest.pop(c, 0), said.get(c, "")) for c in codes]
    out.extend(CountView(c or "", c or "(empty)", n) for c, n in sorted(rest.items()))
    return out


def _rejected_views(rejected: Sequence[Rejected], limit: int | None) -> list[RejectedView]:
    return [
        RejectedView(
            source_file=r.source_file,
            source_sheet=r.source_sheet,
            source_row=int(r.source_row),
            reason_code=r.reason_code,
            reason=REJECT_REASONS.get(r.reason_code, humanise(r.reason_code)),
            detail=r.detail,
            patient_id=r.patient_id,
            specimen_id=r.specimen_id,
        )
        for r in (rejected if limit is None else rejected[:limit])
    ]


def _input_views(inputs: Sequence[InputSummary]) -> list[InputView]:
    return [
        InputView(
            file=s.file,
            sheet=s.sheet,
            sha256=s.sha256,
            rows_read=s.rows_read,
            rows_triaged=s.rows_triaged,
            rows_rejected=s.rows_rejected,
            shape=s.shape,
            header_row=s.header_row,
            warnings=list(s.warnings),
            usable=s.usable,
            failure_code=s.failure_code,
            failure_meaning=INPUT_FAILURES.get(s.failure_code, "") if not s.usable else "",
            failure=s.failure,
        )
        for s in inputs
    ]


def summary_view(
    keys: BatchKeys,
    tallies: Mapping[str, Mapping[str, int]],
    fetch: Callable[[np.ndarray], list[pd.DataFrame]],
    plan: PatientPlan,
    rejected: Sequence[Rejected],
    inputs: Sequence[InputSummary],
    run: RunView,
    *,
    max_rows: int,
    urgent_acknowledged: int = 0,
    reminders: Sequence[OverdueReminder] = (),
) -> SummaryView:
    """The batch at a glance: at most ``max_rows`` result rows, the most pressing first.

    ``tallies``: rows per displayed value (``as_text``) of ``priority`` and ``status``;
    ``fetch(positions)``: the rows at those positions of the batch.
    ``urgent_acknowledged``: how many urgent results the history holds as acknowledged;
    ``reminders``: the history's urgent results of earlier runs not yet acknowledged.
    """
    order = priority_order(keys)
    urgent_rank = PRIORITIES.index("urgent")
    urgent_total = int(np.count_nonzero(keys.rank == urgent_rank))
    shown = order[:max_rows]
    banner_positions = order[: min(urgent_total, URGENT_BANNER_MAX)]
    wanted = np.union1d(shown, banner_positions).astype(np.int64)
    table = ResultTable(fetch(wanted), run.display_unit, run.miu_per_ng)

    def href(position: int) -> str | None:
        anchor = plan.anchor(int(keys.patient[position]))
        return f"{PATIENT_FILE}#{anchor}" if anchor else None

    rows = [table.view(p, href(p)) for p in shown.tolist()]
    banner = [table.view(p, href(p)) for p in banner_positions.tolist()]
    priority_labels = {p: PRIORITY_LABELS[p] for p in PRIORITIES}
    priority_counts = count_views(
        tallies.get("priority", {}), PRIORITIES, priority_labels, priority_meanings(run)
    )
    return SummaryView(
        run=run,
        results_total=keys.size,
        patients_total=plan.patients_total,
        priority_counts=priority_counts,
        status_counts=count_views(tallies.get("status", {}), STATUSES, {}, STATUS_MEANINGS),
        urgent=banner,
        urgent_total=urgent_total,
        rows=rows,
        rows_omitted=keys.size - len(rows),
        rejected=_rejected_views(rejected, max_rows),
        rejected_total=len(rejected),
        rejected_omitted=max(len(rejected) - max_rows, 0),
        inputs=_input_views(inputs),
        pages_total=len(plan.page_codes),
        pages_omitted=plan.pages_omitted,
        patient_file=PATIENT_FILE,
        groups=priority_groups(rows, priority_counts),
        untriaged_urgent=_rejected_views([r for r in rejected if r.possibly_urgent], None),
        urgent_acknowledged=urgent_acknowledged,
        reminders=list(reminders),
        reference_sets=reference_set_views(run, tallies.get("reference_stratum")),
    )


def priority_meanings(run: RunView) -> dict[str, str]:
    """PRIORITY_MEANINGS with the urgent level of thresholds.toml, in mIU/L as it is defined,
    and in ng/mL with the reference set's factor when the run has one."""
    level = load_thresholds().get("urgent_miu_l")
    urgent = f"{fmt(level)} mIU/L"
    if run.miu_per_ng:
        urgent += f" (~{level / run.miu_per_ng:.0f} ng/mL)"
    return {code: text.format(urgent=urgent) for code, text in PRIORITY_MEANINGS.items()}


def priority_groups(rows: Sequence[ResultView], counts: Sequence[CountView]) -> list[PriorityGroup]:
    """The table's rows in one section per priority (urgent, soon, routine, none; any other
    value found after them), each with its count in the batch."""
    by_code: dict[str, list[ResultView]] = {}
    for row in rows:
        by_code.setdefault(row.priority, []).append(row)
    groups = []
    for count in counts:
        code = count.code
        slug = "".join(ch if ch.isalnum() else "-" for ch in code) or "unknown"
        groups.append(
            PriorityGroup(code, count.label, f"priority-{slug}", count.count, by_code.pop(code, []))
        )
    for code, found in by_code.items():  # a priority the tallies did not see (cannot happen)
        groups.append(PriorityGroup(code, code or "(empty)", "priority-other", len(found), found))
    return groups
