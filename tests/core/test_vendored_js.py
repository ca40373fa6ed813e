"""The JavaScript libraries vendored by scripts/vendor-js.sh (docs/sealed-bids.md, "Browser
libraries") are as the pages need them: each with its licence and a VERSION naming the
registry's sha512 integrity, every ES module importing only files beside it (a bare name
such as `shamir-secret-sharing/csprng` cannot load without an import map, which the CSP
forbids), and no reference to a source map that is not there (Django's manifest storage
refuses those at collectstatic)."""

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "inaproc" / "static"
VENDOR = STATIC / "vendor"
PACKAGES = {
    "shamir-secret-sharing": ("0.0.4", {"index.js", "csprng.js"}),
    "tus-js-client": ("4.3.1", {"tus.min.js"}),
    "noble-hashes": ("2.4.0", {"sha2.js", "_md.js", "_u64.js", "utils.js"}),
}
IMPORT = re.compile(
    r"""^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]""",
    re.M,
)


COMMENT = re.compile(r"/\*.*?\*/|^\s*//.*?$", re.S | re.M)


def module_imports(path: Path) -> list[str]:
    """The module specifiers of a file's static imports (comments left out)."""
    code = COMMENT.sub("", path.read_text(encoding="utf-8"))
    return [a or b for a, b in IMPORT.findall(code)]


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_vendored_package_has_licence_version_and_only_its_files(package: str) -> None:
    """Each vendored package has LICENSE, a VERSION with its version, tarball and a sha512
    integrity, and exactly the files the refresh script extracts."""
    version, files = PACKAGES[package]
    folder = VENDOR / package
    text = (folder / "VERSION").read_text(encoding="utf-8")
    assert f"version: {version}\n" in text
    assert re.search(r"^integrity: sha512-[A-Za-z0-9+/]{86}==$", text, re.M)
    assert re.search(r"^tarball: https://registry\.npmjs\.org/\S+\.tgz$", text, re.M)
    assert (folder / "LICENSE").stat().st_size > 500
    assert {p.name for p in folder.iterdir()} == files | {"LICENSE", "VERSION"}


@pytest.mark.parametrize(
    "path",
    sorted((VENDOR).rglob("*.js")) + sorted((STATIC / "js" / "sealing").glob("*.js")),
    ids=lambda p: str(p.relative_to(STATIC)),
)
def test_modules_import_only_relative_files_that_exist(path: Path) -> None:
    """Every import of the vendored and sealing modules is a relative path to a file that
    exists, and no file points at a missing source map."""
    for target in module_imports(path):
        assert target.startswith(("./", "../")), f"{path.name} imports {target!r} by bare name"
        assert (path.parent / target).resolve().is_file(), f"{path.name}: {target} missing"
    assert "sourceMappingURL" not in path.read_text(encoding="utf-8")
