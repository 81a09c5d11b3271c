"""Regression: PySide6 6.12.0 on Python 3.11 drops a reference to None on every void Qt call and
aborts after a few thousand calls. We pin 6.11.3; this test makes ~50k void calls in a subprocess."""
import subprocess
import sys

SCRIPT = r"""
import os, sys
os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget()
before = sys.getrefcount(None)
for i in range(50_000):
    w.setWindowTitle('x')      # void
    w.setMinimumWidth(i % 7)   # void
after = sys.getrefcount(None)
print(before, after)
"""


def test_fifty_thousand_void_qt_calls_keep_none_alive():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    before, after = map(int, out.stdout.split())
    assert after >= before - 1000, (before, after)
