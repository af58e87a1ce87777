"""`make release` (tools/release.py): the store material is complete, within the stores' limits,
every permission of the manifests is justified, and the packages are reproducible, also from the
source archive that AMO asks for with minified code."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import release  # noqa: E402  tools/release.py


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """A release without screenshots (no browser) into a temporary dist/."""
    dist = tmp_path_factory.mktemp("release") / "dist"
    release.release(dist, with_screenshots=False)
    return dist


def test_release_writes_the_store_material_next_to_the_packages(released):
    store = released / "store"
    expected = {"listing-de.txt", "listing-en.txt", "listing.json", "chrome-privacy-de.txt", "chrome-privacy-en.txt",
                "privacy-policy.html", "amo-reviewer-notes.txt", "SHA256SUMS",
                f"ohne-haken-{(ROOT / 'VERSION').read_text().strip()}-source.zip"}
    assert expected <= {p.name for p in store.iterdir()}
    assert len(release.package_files(released)) == 2
    listing = json.loads((store / "listing.json").read_text(encoding="utf-8"))
    assert set(listing["languages"]) == {"de", "en"}
    page = (store / "privacy-policy.html").read_text(encoding="utf-8")
    assert "<table>" in page and "storage.local" in page and "<script" not in page
    assert 'src="http' not in page and 'rel="stylesheet"' not in page  # a page of its own, nothing loaded
    for permission in release.permissions(released):
        assert permission in (store / "chrome-privacy-en.txt").read_text(encoding="utf-8")
    notes = " ".join((store / "amo-reviewer-notes.txt").read_text(encoding="utf-8").split())
    assert "bundled and minified" in notes and "source archive" in notes


def test_texts_are_within_the_stores_limits_and_every_permission_is_justified(released):
    store = release.load_store()
    assert release.problems(store, released) == []
    limits = store["limits"]
    for lang, listing in store["listing"].items():
        assert len(listing["name"]) <= min(limits["amo"]["name"], limits["chrome"]["name"]), lang
        assert len(listing["summary"]) <= limits["amo"]["summary"], lang
        assert len(release.manifest_summary(released, lang)["summary"]) <= limits["chrome"]["summary"], lang
    asked = release.permissions(released)
    assert {"storage", "activeTab", "scripting", "*://*.o2online.de/*"} <= set(asked)
    assert set(asked) <= set(store["chrome"]["justifications"])


def test_the_checker_finds_what_a_store_would_reject(released):
    store = release.load_store()
    broken = copy.deepcopy(store)
    broken["listing"]["de"]["summary"] = "x" * (store["limits"]["amo"]["summary"] + 1)
    del broken["chrome"]["justifications"]["scripting"]
    broken["chrome"]["justifications"]["storage"]["en"] = ""
    found = release.problems(broken, released)
    assert any("listing.de.toml summary" in p for p in found), found
    assert any("'scripting'" in p for p in found), found
    assert any("justification of storage (en): empty" in p for p in found), found


def test_packages_rebuild_byte_identical(released, tmp_path):
    subprocess.run([sys.executable, str(ROOT / "build.py"), "-q", "--out", str(tmp_path)], check=True)
    first = {p.name: p.read_bytes() for p in release.package_files(released)}
    second = {p.name: p.read_bytes() for p in release.package_files(tmp_path)}
    assert first.keys() == second.keys() and len(first) == 2
    assert all(first[name] == second[name] for name in first), "the packages differ between two builds"
    assert release.rebuilds_identically(released) == []


@pytest.mark.parametrize("target", release.PACKAGES)
def test_packaged_code_is_the_source_or_says_it_is_generated(released, target):
    """What AMO's reviewers read: every packaged file is byte for byte the file in extension/,
    except manifest.json, the data files and the bundles build.py writes (each says so in its
    first line); a file that went into a bundle is not packaged again unless a page loads it."""
    sys.path.insert(0, str(ROOT))
    import build

    package = next(p for p in release.package_files(released) if target in p.name)
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        generated = release.generated_files(archive)
        for name in sorted(names - generated):
            assert archive.read(name) == (ROOT / "extension" / name).read_bytes(), f"{name} differs from extension/{name}"
    assert {"manifest.json", "content/rules-data.js", *build.BUNDLES} <= generated
    bundled = {file for files in build.BUNDLES.values() for file in files}
    source = {p.relative_to(ROOT / "extension").as_posix() for p in (ROOT / "extension").rglob("*") if p.is_file()}
    assert names - generated == source - bundled | {"shared/common.js", "content/user-terms.js"}


def test_the_source_archive_rebuilds_the_same_packages(released, tmp_path):
    """AMO rebuilds minified code from the source archive: unpacked, with the same pinned tools,
    build.py gives byte-identical packages."""
    version = (ROOT / "VERSION").read_text().strip()
    archive = released / "store" / f"ohne-haken-{version}-source.zip"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path)
    unpacked = tmp_path / f"ohne-haken-{version}-source"
    assert (unpacked / "docs" / "BUILD.md").is_file() and (unpacked / "package-lock.json").is_file()
    (unpacked / "node_modules").symlink_to(ROOT / "node_modules")  # `npm ci` of the same lock file
    subprocess.run([sys.executable, str(unpacked / "build.py"), "-q", "--out", str(tmp_path / "dist")], check=True)
    for package in release.package_files(released):
        assert (tmp_path / "dist" / package.name).read_bytes() == package.read_bytes(), package.name
    notes = (released / "store" / "amo-reviewer-notes.txt").read_text()
    assert archive.name in notes and "bundles/engine.js" in notes and "esbuild" in notes
