#!/usr/bin/env python3
"""`make release`: the two packages (build.py) and, next to them in dist/store/, what
addons.mozilla.org (AMO) and the Chrome Web Store ask for.

    dist/ohne-haken-<version>-firefox.xpi, dist/ohne-haken-<version>-chromium.zip   (build.py)
    dist/store/listing-de.txt, listing-en.txt     name, summary, description per store, pasted as is
    dist/store/listing.json                       the same, for scripts (AMO API, CWS API)
    dist/store/chrome-privacy-de.txt, -en.txt     single purpose and one justification per permission
    dist/store/privacy-policy.html                the privacy policy as a page of its own (docs/PRIVACY.md)
    dist/store/amo-reviewer-notes.txt             what is bundled and minified, and how to rebuild it
    dist/store/ohne-haken-<version>-source.zip    the sources AMO asks for with minified code (SOURCE_FILES)
    dist/store/SHA256SUMS                         of the packages
    dist/store/screenshots/*.png                  1280 x 800, headless Firefox on the mock portal

The texts are data in store/ (listing.<lang>.toml, chrome-web-store.toml), the stores' length
limits in store/limits.json. The release stops with an error when a text is too long, when a
permission of the built manifests has no justification, or when a second build (also one from the
unpacked source archive) does not give byte-identical packages. `--no-screenshots` skips the browser (tests/unit/test_release.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import struct
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

import markdown

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "store"
LANGUAGES = ("de", "en")
SCREENSHOT_SIZE = (1280, 800)
PACKAGES = ("firefox", "chromium")


# ---- reading --------------------------------------------------------------------------------

def load_store() -> dict:
    """Everything in store/: {"listing": {lang: {...}}, "chrome": {...}, "limits": {...}}."""
    return {
        "listing": {lang: tomllib.loads((STORE / f"listing.{lang}.toml").read_text(encoding="utf-8")) for lang in LANGUAGES},
        "chrome": tomllib.loads((STORE / "chrome-web-store.toml").read_text(encoding="utf-8")),
        "limits": json.loads((STORE / "limits.json").read_text(encoding="utf-8")),
    }


def manifest_summary(dist: Path, lang: str) -> dict:
    """The built manifest's name and description in one language (the Chrome Web Store's summary)."""
    messages = json.loads((dist / "chromium" / "_locales" / lang / "messages.json").read_text(encoding="utf-8"))
    return {"name": messages["extName"]["message"], "summary": messages["extDescription"]["message"]}


def permissions(dist: Path) -> list[str]:
    """Every permission and host permission the built manifests ask for, in order, once."""
    asked: list[str] = []
    for target in PACKAGES:
        manifest = json.loads((dist / target / "manifest.json").read_text(encoding="utf-8"))
        for key in ("permissions", "optional_permissions", "host_permissions", "optional_host_permissions"):
            asked += [p for p in manifest.get(key, []) if p not in asked]
    return asked


def problems(store: dict, dist: Path) -> list[str]:
    """What a store would reject: texts over the length limits, permissions without a justification."""
    found = []
    limits = store["limits"]

    def check(store_name: str, field: str, text: str, where: str):
        limit = limits[store_name][field]
        if not text.strip():
            found.append(f"{where}: empty")
        elif len(text) > limit:
            found.append(f"{where}: {len(text)} characters, {store_name} allows {limit}")

    for lang, listing in store["listing"].items():
        for field in ("name", "summary", "description"):
            check("amo", field, listing[field], f"store/listing.{lang}.toml {field} (AMO)")
        check("chrome", "name", listing["name"], f"store/listing.{lang}.toml name (Chrome Web Store)")
        check("chrome", "description", listing["description"], f"store/listing.{lang}.toml description (Chrome Web Store)")
        manifest = manifest_summary(dist, lang)
        check("chrome", "summary", manifest["summary"], f"_locales/{lang} extDescription (the Chrome Web Store's summary)")
        check("amo", "name", manifest["name"], f"_locales/{lang} extName")
        check("chrome", "singlePurpose", store["chrome"]["single_purpose"][lang], f"single purpose ({lang})")
    justifications = store["chrome"]["justifications"]
    for permission in permissions(dist):
        if permission not in justifications:
            found.append(f"the manifest asks for {permission!r}: no justification in store/chrome-web-store.toml")
            continue
        for lang in LANGUAGES:
            check("chrome", "justification", justifications[permission].get(lang, ""), f"justification of {permission} ({lang})")
    return found


# ---- writing --------------------------------------------------------------------------------

def listing_text(lang: str, listing: dict, manifest: dict) -> str:
    """What to paste into the two stores' forms, field by field."""
    return (f"# Ohne Haken: store listing ({lang})\n\n"
            f"## Name (AMO, Chrome Web Store)\n{listing['name']}\n\n"
            f"## Summary (AMO)\n{listing['summary']}\n\n"
            f"## Summary (Chrome Web Store: the manifest's description, set by the package)\n{manifest['summary']}\n\n"
            f"## Description (AMO, Chrome Web Store)\n{listing['description'].strip()}\n")


def chrome_privacy_text(lang: str, chrome: dict, asked: list[str]) -> str:
    """The privacy practices tab: single purpose, then one justification per permission; the
    host permissions share one field in the form, so they are also given joined."""
    justifications = chrome["justifications"]
    hosts = [p for p in asked if "://" in p]
    lines = [f"# Ohne Haken: Chrome Web Store privacy practices ({lang})", "",
             "## Single purpose", chrome["single_purpose"][lang], ""]
    for permission in asked:
        if "://" not in permission:
            lines += [f"## Permission justification: {permission}", justifications[permission][lang], ""]
    lines += ["## Host permission justification", " ".join(f"{p}: {justifications[p][lang]}" for p in hosts), "",
              "## Data usage", "Ohne Haken collects no user data. It makes no network requests; everything it stores stays "
              "in the browser (see privacy-policy.html)." if lang == "en" else
              "Ohne Haken erhebt keine Nutzerdaten. Es stellt keine Netzwerkanfragen; alles, was es speichert, bleibt im "
              "Browser (siehe privacy-policy.html).", ""]
    return "\n".join(lines)


PRIVACY_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ohne Haken: privacy policy</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; color: #14213d; max-width: 48rem; margin: 0 auto; padding: 1rem; }}
h1, h2 {{ color: #003ca0; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #c9d2e3; padding: .4rem; text-align: left; vertical-align: top; }}
code {{ background: #eef2f8; padding: 0 .2rem; border-radius: 3px; }}
</style>
</head>
<body>
<p><small>Ohne Haken {version}</small></p>
{body}
</body>
</html>
"""


def privacy_page(version: str) -> str:
    """docs/PRIVACY.md as a standalone page, with no external resources."""
    text = (ROOT / "docs" / "PRIVACY.md").read_text(encoding="utf-8")
    body = markdown.markdown(text, extensions=["tables"], output_format="html")
    return PRIVACY_PAGE.format(version=version, body=body)


GENERATED_MARK = b"// Generated by build.py"
# What AMO's reviewers need to rebuild the packages (the source archive): the build's inputs, the
# pinned tool versions, the installer and the instructions. Folders are taken whole.
SOURCE_FILES = ("build.py", "VERSION", "manifest.template.json", "rules", "extension", "package.json",
                "package-lock.json", "requirements.txt", "constraints.txt", "scripts/ensure-tools.sh", "Makefile",
                "README.md", "docs/BUILD.md")


def generated_files(archive: zipfile.ZipFile) -> set[str]:
    """The files of a package that build.py writes rather than copies: manifest.json and the
    data files that say so in their first line."""
    return {"manifest.json"} | {name for name in archive.namelist()
                                 if name.endswith(".js") and archive.read(name).startswith(GENERATED_MARK)}


def reviewer_notes(version: str, sums: dict[str, str], generated: list[str], source: str) -> str:
    bundles = [name for name in generated if name.startswith("bundles/")]
    data_files = [name for name in generated if name != "manifest.json" and name not in bundles]
    return f"""Ohne Haken {version}: notes for the reviewers (AMO "Notes to Reviewer")

The scripts that run in web pages are bundled and minified, so that every page of o2online.de
gets as little code as possible: build.py joins the files of extension/content/ (and
extension/shared/common.js) in a fixed order and minifies them with esbuild (pinned in
package.json / package-lock.json). The source archive {source} holds everything needed to rebuild.
Generated files in the package (each says so in its first line, the bundles name their files):

- manifest.json, rendered from manifest.template.json (per browser; host permissions from rules/);
""" + "".join(f"- {name}, bundled and minified;\n" for name in bundles) + "".join(
        f"- {name}, data from rules/*.json (documentation fields stripped) as readable JSON;\n" for name in data_files) + """
Every other file in the package is the file from the archive's extension/ folder, byte for byte.

To rebuild on Debian or Ubuntu (Python 3.11 or later, Node.js 18 or later, npm) from the unpacked
archive, see docs/BUILD.md in it:

    make build        # installs the pinned Python packages (.venv) and npm packages (node_modules)
                      # or: npm ci && python3 -m venv .venv
                      #     && .venv/bin/pip install -r requirements.txt -c constraints.txt
                      #     && .venv/bin/python build.py

The packages are reproducible (sorted entries, fixed timestamps and permissions, pinned esbuild):
the same sources give byte-identical packages in dist/. SHA-256 of this release:

""" + "".join(f"    {digest}  {name}\n" for name, digest in sums.items()) + """
The extension makes no network requests and loads no remote code. Testing without an O2 account:
`make demo` opens Firefox with the extension on a local mock of the o2online.de portal.
"""


def source_archive(archive: Path) -> None:
    """SOURCE_FILES as a reproducible zip (sorted, fixed timestamps), under one top folder."""
    top = archive.name.removesuffix(".zip")
    paths = []
    for name in SOURCE_FILES:
        path = ROOT / name
        paths += sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if path.is_dir() else [path]
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(paths):
            info = zipfile.ZipInfo(f"{top}/{path.relative_to(ROOT).as_posix()}", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if path.stat().st_mode & 0o100 else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes(), compresslevel=9)


# ---- building and checking -------------------------------------------------------------------

def build(out: Path) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "-q", "--out", str(out)], check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)


def package_files(dist: Path) -> list[Path]:
    return sorted(p for p in dist.glob("ohne-haken-*") if p.suffix in (".xpi", ".zip"))


def rebuilds_identically(dist: Path) -> list[str]:
    """Build again into a temporary folder; the names of the packages whose bytes differ."""
    with tempfile.TemporaryDirectory(prefix="ohne-haken-rebuild-") as tmp:
        again = Path(tmp) / "dist"
        build(again)
        first = {p.name: p.read_bytes() for p in package_files(dist)}
        second = {p.name: p.read_bytes() for p in package_files(again)}
    return sorted(name for name in first.keys() | second.keys() if first.get(name) != second.get(name))


def png_size(path: Path) -> tuple[int, int]:
    with path.open("rb") as f:
        header = f.read(24)
    return struct.unpack(">II", header[16:24])


def screenshots(out: Path) -> list[Path]:
    """1280 x 800 pictures of the panel and the walkthrough on the mock portal (headless Firefox)."""
    sys.path.insert(0, str(ROOT / "tools"))
    import demo  # the demo's browser and steps on the mock portal

    out.mkdir(parents=True, exist_ok=True)
    browser, httpd = demo.start(headless=True)
    driver = browser.driver
    shots = []
    try:
        width, height = SCREENSHOT_SIZE
        driver.set_window_size(width, height)
        for _ in range(3):  # the window's frame: measure and correct, until the page sees 1280 x 800
            inner = browser.js("return [innerWidth, innerHeight]")
            if inner == [width, height]:
                break
            size = driver.get_window_size()
            driver.set_window_size(size["width"] + width - inner[0], size["height"] + height - inner[1])
        demo.log_in(browser)
        browser.js("localStorage.setItem('mock_optin', JSON.stringify('dismissed'))")
        demo.open_consent_form(browser)
        browser.wait_idle()
        for name, action in (("1-panel", None), ("2-after-one-click", lambda: demo.clear_all(browser))):
            if action:
                action()
            shots.append(out / f"{name}.png")
            driver.save_screenshot(str(shots[-1]))
        browser.open("portal/mein-o2/meine-daten/")
        browser.click_action("start-tour")
        browser.wait(lambda: browser.js("return !!document.querySelector('[data-ohne-haken-tour=target]')"))
        browser.settle()
        browser.wait(lambda: demo.spotlight_settled(browser))
        shots.append(out / "3-walkthrough.png")
        driver.save_screenshot(str(shots[-1]))
    finally:
        browser.quit()
        httpd.shutdown()
    wrong = {p.name: png_size(p) for p in shots if png_size(p) != SCREENSHOT_SIZE}
    if wrong:
        sys.exit(f"release: screenshots not {SCREENSHOT_SIZE}: {wrong}")
    return shots


def release(dist: Path, with_screenshots: bool = True) -> Path:
    build(dist)
    store = load_store()
    found = problems(store, dist)
    if found:
        sys.exit("release: the store would reject this:\n  " + "\n  ".join(found))
    differing = rebuilds_identically(dist)
    if differing:
        sys.exit(f"release: a second build gives other bytes for {differing}: the packages are not reproducible")
    version = (ROOT / "VERSION").read_text(encoding="utf-8").strip()
    out = dist / "store"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    asked = permissions(dist)
    listing = {}
    for lang in LANGUAGES:
        manifest = manifest_summary(dist, lang)
        (out / f"listing-{lang}.txt").write_text(listing_text(lang, store["listing"][lang], manifest), encoding="utf-8")
        (out / f"chrome-privacy-{lang}.txt").write_text(chrome_privacy_text(lang, store["chrome"], asked), encoding="utf-8")
        listing[lang] = {"name": store["listing"][lang]["name"], "amoSummary": store["listing"][lang]["summary"],
                         "chromeSummary": manifest["summary"], "description": store["listing"][lang]["description"].strip(),
                         "singlePurpose": store["chrome"]["single_purpose"][lang],
                         "justifications": {p: store["chrome"]["justifications"][p][lang] for p in asked}}
    (out / "listing.json").write_text(json.dumps({"version": version, "languages": listing}, indent=2, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    (out / "privacy-policy.html").write_text(privacy_page(version), encoding="utf-8")
    sums = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in package_files(dist)}
    (out / "SHA256SUMS").write_text("".join(f"{d}  {n}\n" for n, d in sums.items()), encoding="utf-8")
    firefox = next(p for p in package_files(dist) if p.suffix == ".xpi")
    with zipfile.ZipFile(firefox) as archive:
        generated = sorted(generated_files(archive))
    source = f"ohne-haken-{version}-source.zip"
    source_archive(out / source)
    (out / "amo-reviewer-notes.txt").write_text(reviewer_notes(version, sums, generated, source), encoding="utf-8")
    if with_screenshots:
        screenshots(out / "screenshots")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Build the packages and the store material next to them (dist/store/).")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", metavar="DIR", help="output folder (default: dist/)")
    parser.add_argument("--no-screenshots", action="store_true", help="skip the screenshots (no browser needed)")
    args = parser.parse_args(argv)
    out = release(args.out.resolve(), with_screenshots=not args.no_screenshots)
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
