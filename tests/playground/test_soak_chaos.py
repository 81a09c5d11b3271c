"""Short samples of the soak and chaos scripts (the full runs: scripts/soak_app.py for an hour,
scripts/chaos_app.py with 2,000 commands; figures in the README's Reliability section)."""
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _script(module, *args, home, timeout=600):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NETWORK_PLAYGROUND_HOME=str(home))
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_a_short_soak_edits_live_trains_and_reports_memory(tmp_path):
    proc = _script("scripts.soak_app", "--seconds", "25", "--edit-every", "0.5",
                   "--report-every", "5", home=tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert len([line for line in lines if re.match(r"t=\s*\d+s rss_mb=\s*[\d.]+", line)]) >= 4
    assert all(re.search(r" rewind_mb=[\d.]+$", line) for line in lines if line.startswith("t="))
    last = re.fullmatch(r"soak: rss_mb_at_5min=([\d.]+) rss_mb_end=([\d.]+) growth_pct=(-?[\d.]+)"
                        r" steps=(\d+) edits=(\d+) refusals=(\d+) errors=(\d+) resets=(\d+)",
                        next(line for line in lines if line.startswith("soak: rss")))
    assert last, lines[-3:]
    steps, edits, errors = int(last.group(4)), int(last.group(5)), int(last.group(7))
    assert steps > 100 and edits >= 30 and errors == 0


def test_a_chaos_sample_gives_only_refusals_and_at_most_one_message_window(tmp_path):
    proc = _script("scripts.chaos_app", "--commands", "300", "--seed", "3", "--quiet",
                   home=tmp_path)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("chaos:")), "")
    found = re.fullmatch(r"chaos: commands=300 refusals=(\d+) errors=(\d+) "
                         r"max_message_windows=(\d+) steps=(\d+)", line)
    assert found, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert int(found.group(1)) > 10  # the chaos did reach the guards ...
    assert int(found.group(2)) == 0 and int(found.group(3)) <= 1  # ... and nothing else failed
    assert int(found.group(4)) > 0 and proc.returncode == 0


def test_the_median_figure_compares_minutes_4_to_8_with_the_last_8():
    from scripts.soak_app import median_growth

    samples = [(60.0 * m, 400.0 + (30.0 if m % 2 else 0.0) + m / 10, 30.0 if m % 2 else 0.0)
               for m in range(61)]
    line = median_growth(samples, 3600)
    found = re.fullmatch(r"soak: medians rss_mb_min4to8=([\d.]+) rss_mb_last8min=([\d.]+) "
                         r"growth_pct=(-?[\d.]+) rewind_mb_min4to8=([\d.]+) rewind_mb_last8min=([\d.]+)",
                         line)
    assert found, line
    assert float(found.group(1)) == 400.8 and float(found.group(2)) == 406.0  # the medians, not the swings
    assert float(found.group(3)) == round(100 * 5.2 / 400.8, 2)
    assert median_growth(samples[:10], 600) is None
