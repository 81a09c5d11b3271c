"""Entry point of the bundle's two executables (one program, chosen by the executable's name):
``network-playground`` is the app (every flag of ``playground``), ``playground-train`` the
headless trainer. Before the engine is imported, the shipped numba cache is made usable."""
import os
import sys

QUICK_FLAGS = {"--version", "-h", "--help"}


def main() -> int:
    name = os.path.basename(sys.argv[0]).lower()
    for stream in ("stdout", "stderr"):
        if getattr(sys, stream) is None:  # the windowed app on Windows has no console
            setattr(sys, stream, open(os.devnull, "w", encoding="utf-8"))
    if sys.platform.startswith("linux") and not any(
            os.environ.get(k) for k in ("LC_ALL", "LC_CTYPE", "LANG")):
        os.environ["LC_CTYPE"] = "C.UTF-8"  # no locale at all (env -i): Qt wants UTF-8
    if not QUICK_FLAGS & set(sys.argv[1:]):
        from playground.compiled_cache import prepare_bundle
        state = prepare_bundle()
        if state == "compile" and name.startswith("playground-train"):
            print("playground-train: compiling the engine for this processor "
                  "(first run only, about a minute)…", file=sys.stderr)
    if name.startswith("playground-train"):
        from playground.cli_train import main as train_main
        return train_main()
    from playground.main import main as app_main
    return app_main()


if __name__ == "__main__":
    sys.exit(main())
