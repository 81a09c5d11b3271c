"""Qt test setup: offscreen platform, and a helper that builds the app's windows and closes them."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
