"""Under a real cron daemon: the example crontab's job, on a poisoned inbox, still triages the good
files, and an urgent result reaches cron's mail.

Needs root, a running cron daemon and a mail sink standing in for sendmail; `.ci/run` starts
both and names the sink's file in PROLACTIN_TRIAGE_CRON_MAIL.  Without it the test is skipped,
unless PROLACTIN_TRIAGE_REQUIRE_CRON=1 (then its absence is a failure).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CRONTAB = ROOT / "examples" / "cron" / "crontab"
MAIL = os.environ.get("PROLACTIN_TRIAGE_CRON_MAIL", "")
WAIT_SECONDS = 300  # a minute tick, then the job itself on a loaded CI machine

pytestmark = pytest.mark.skipif(
    not MAIL and os.environ.get("PROLACTIN_TRIAGE_REQUIRE_CRON") != "1",
    reason="no cron daemon with a mail sink (.ci/run starts one)",
)

URGENT_ID = "CRON-URG-1"
GOOD = (
    "Patient ID,Sex,Age,Prolactin (ng/mL),Symptoms\n"
    f"{URGENT_ID},F,38,350,bitemporal hemianopia\n"
    "CRON-OK-2,M,51,9,\n"
)


def _job_line(inbox: Path, out: Path, archive: Path) -> str:
    """The example crontab's job, every minute, as root, on this test's folders."""
    (line,) = [ln for ln in CRONTAB.read_text().splitlines() if ln and ln[0] in "*0123456789"]
    fields = line.split(None, 5)
    command = fields[5]
    executable = Path(sys.executable).parent / "prolactin-triage"
    command = command.replace("/opt/prolactin-triage/.venv/bin/prolactin-triage", str(executable))
    command = command.replace("/srv/prolactin/inbox", str(inbox))
    command = command.replace("/srv/prolactin/reports", str(out))
    command = command.replace("/srv/prolactin/archive", str(archive))
    assert "/srv/" not in command and "/opt/" not in command
    return f"* * * * * root {command}"


def test_a_poisoned_inbox_under_cron_triages_the_good_files_and_mails_the_urgent_one(
    tmp_path: Path,
) -> None:
    assert MAIL, "PROLACTIN_TRIAGE_REQUIRE_CRON=1 but no PROLACTIN_TRIAGE_CRON_MAIL"
    cron_d = Path("/etc/cron.d")
    assert shutil.which("cron") and cron_d.is_dir()
    inbox, out, archive = tmp_path / "inbox", tmp_path / "out", tmp_path / "archive"
    inbox.mkdir()
    tmp_path.chmod(0o755)
    old = time.time() - 3600
    for name, body in {
        "good.csv": GOOD,
        "empty.xlsx": "",
        "long_line.csv": "Patient ID,Sex,Age,Prolactin (ng/mL)\n" + "x" * 300_000 + "\n",
    }.items():
        (inbox / name).write_text(body, encoding="utf-8")
        os.utime(inbox / name, (old, old))
    marker = secrets.token_hex(4)
    entry = cron_d / f"prolactin-triage-test-{marker}"
    mail = Path(MAIL)
    seen_before = mail.read_text(errors="replace") if mail.exists() else ""
    entry.write_text(f"MAILTO=root\n{_job_line(inbox, out, archive)}\n", encoding="utf-8")
    entry.chmod(0o644)
    try:
        deadline = time.time() + WAIT_SECONDS
        news = ""
        while time.time() < deadline:
            time.sleep(3)
            text = mail.read_text(errors="replace") if mail.exists() else ""
            news = text[len(seen_before) :]
            if str(inbox) in news and "URGENT" in news:
                break
        else:
            pytest.fail(f"no mail from cron within {WAIT_SECONDS} s; got: {news[-2000:]!r}")
    finally:
        entry.unlink()
    urgent = [ln for ln in news.splitlines() if ln.startswith("URGENT")]
    assert any(URGENT_ID in ln and "350 ng/mL" in ln for ln in urgent), news
    assert "CRON-OK-2" not in news  # only what needs acting on is mailed
    assert "empty.xlsx" in news  # the unusable file is named with its reason
    folders = [p for p in out.iterdir() if p.is_dir() and re.match(r"good-\d", p.name)]
    assert len(folders) == 1 and (folders[0] / "summary.html").is_file()
    assert (archive / "good.csv").is_file()
    assert (archive / "failed" / "empty.xlsx").is_file()
