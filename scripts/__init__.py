"""Scripts kept with the repository (fuzzing figures; see each script's docstring)."""
