"""The process entry point: `civdoc` and `python -m civdoc`."""

import gc


def main() -> None:
    # Importing the CLI builds ~100,000 long-lived objects (pydantic's schemas, typer, rich) and no
    # garbage: the cyclic collector would traverse them again and again (~10 ms of a warm check).
    # They are frozen instead, as store/gcpause.py freezes what a check builds.
    gc.disable()
    try:
        from civdoc.cli import main as run
    finally:
        gc.freeze()
        gc.enable()
    run()


if __name__ == "__main__":
    main()
