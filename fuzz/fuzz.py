"""One atheris (libFuzzer) target: ``python fuzz/fuzz.py TARGET [libFuzzer options] [CORPUS_DIR]``.

eventwire's own modules are instrumented for coverage (spaCy and the rest are not: they are not ours
and instrumenting them only slows the search). See ``fuzz/run.py`` for the time-boxed runner.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["eventwire"]):
    import eventwire.amounts
    import eventwire.clean
    import eventwire.ingest
    import eventwire.parse
    import eventwire.quotes  # noqa: F401  (imported here so they are instrumented)

import targets


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in targets.TARGETS:
        sys.exit(f"usage: fuzz.py TARGET [libFuzzer options]; targets: {', '.join(targets.TARGETS)}")
    name = sys.argv.pop(1)
    check = targets.TARGETS[name]
    if name in targets.NEEDS_MODEL:
        targets._nlp()  # load once, before fuzzing starts
    logging.disable(logging.CRITICAL)  # the warnings eventwire logs on bad input are expected here
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
