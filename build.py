#!/usr/bin/env python3
"""Build Ohne Haken for Firefox and Chromium.

    validate rules/ -> render manifest.template.json per browser -> copy extension/ -> package

Everything is built in a temporary folder next to the output folder and swapped in only when
the whole build succeeded, so a failed build leaves the previous dist/ exactly as it was.
Errors name the file, the place (JSON pointer or line) and the reason, and exit with code 1.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

import jinja2
import jsonschema

ROOT = Path(__file__).resolve().parent
TARGETS = ("firefox", "chromium")
PACKAGE_SUFFIX = {"firefox": "xpi", "chromium": "zip"}
DOC_FIELDS = {"comment", "_meta", "$schema"}  # documentation only: stripped from the build
LOCALE_KEY_FIELDS = {"title", "text", "where"}  # string values of these fields are _locales keys
RULES_OUTPUT = "content/rules-data.js"  # where the extension reads the merged rules
SITES_OUTPUT = "content/sites-data.js"  # the little the sentinel needs on every page (content/sentinel.js)
BENCH_PROBE = ROOT / "tools" / "bench-probe.js"  # bench builds only (--bench), never in dist/
BENCH_PROBE_OUTPUT = "content/bench-probe.js"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed timestamp: identical input gives identical archives


class BuildError(Exception):
    """A problem in the build's input, reported as 'file, place: reason'."""

    def __init__(self, path: Path | str, place: str, reason: str):
        self.path, self.place, self.reason = path, place, reason
        super().__init__(f"{relative(path)}{', ' + place if place else ''}: {reason}")


def relative(path: Path | str) -> str:
    path = Path(path)
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def pointer(parts) -> str:
    """JSON pointer (RFC 6901) for a jsonschema error path."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "at /" + "/".join(escaped)


def read_json(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise BuildError(path, "", f"cannot read file ({err.__class__.__name__}: {err})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise BuildError(path, f"line {err.lineno}, column {err.colno}", f"invalid JSON: {err.msg}") from None


def dumps(data) -> str:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8, trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def strip_docs(value):
    if isinstance(value, dict):
        return {k: strip_docs(v) for k, v in value.items() if k not in DOC_FIELDS}
    if isinstance(value, list):
        return [strip_docs(v) for v in value]
    return value


def locale_keys_used(value, where=""):
    """Yield (json pointer, key) for every locale key a rule refers to."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k in LOCALE_KEY_FIELDS and isinstance(v, str):
                yield f"{where}/{k}", v
            else:
                yield from locale_keys_used(v, f"{where}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from locale_keys_used(v, f"{where}/{i}")


def load_locales(ext_dir: Path) -> dict[str, dict]:
    locales = {}
    for path in sorted((ext_dir / "_locales").glob("*/messages.json")):
        messages = read_json(path)
        if not isinstance(messages, dict):
            raise BuildError(path, "at /", "a messages.json must be an object of messages")
        for key, entry in messages.items():
            if not isinstance(entry, dict) or not str(entry.get("message", "")).strip():
                raise BuildError(path, f"at /{key}", "every message needs a non-empty 'message'")
        locales[path.parent.name] = messages
    if "de" not in locales:
        raise BuildError(ext_dir / "_locales", "", "the default locale 'de' is missing")
    all_keys = set().union(*(m.keys() for m in locales.values()))
    for name, messages in locales.items():
        missing = sorted(all_keys - messages.keys())
        if missing:
            raise BuildError(ext_dir / "_locales" / name / "messages.json", f"at /{missing[0]}",
                             f"message missing in locale '{name}' (it exists in another locale)")
    return locales


def merge_terms(into: dict, terms: dict) -> None:
    """Merge one vocabulary's terms: lists are concatenated, objects (answers, classes) merged key by key."""
    for category, value in terms.items():
        if isinstance(value, dict):
            merge_terms(into.setdefault(category, {}), value)
        else:
            into.setdefault(category, []).extend(value)


def load_rules(rules_dir: Path, locales: dict[str, dict]) -> dict:
    schema_path = rules_dir / "schema.json"
    schema = read_json(schema_path)
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted(p for p in rules_dir.rglob("*.json") if p != schema_path)
    if not files:
        raise BuildError(rules_dir, "", "no rule files found")
    docs: list[tuple[Path, dict]] = []
    names: dict[str, Path] = {}
    for path in files:
        doc = read_json(path)
        error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
        if error is not None:
            message = error.message if len(error.message) <= 300 else error.message[:297] + "..."
            raise BuildError(path, pointer(error.absolute_path), f"schema violation: {message}")
        if doc["name"] in names:
            raise BuildError(path, "at /name", f"duplicate name '{doc['name']}' (also in {relative(names[doc['name']])})")
        names[doc["name"]] = path
        for place, key in locale_keys_used(doc):
            for locale, messages in sorted(locales.items()):
                if key not in messages:
                    raise BuildError(path, f"at {place}", f"locale key '{key}' is missing in _locales/{locale}/messages.json")
        docs.append((path, doc))

    merged = {"vocabulary": {}, "sites": [], "flows": []}
    sites = {doc["name"] for _, doc in docs if doc["kind"] == "site"}
    site_access = {doc["name"]: doc.get("access", "install") for _, doc in docs if doc["kind"] == "site"}
    for path, doc in docs:
        clean = strip_docs(doc)
        kind = clean.pop("kind")
        if kind == "vocabulary":
            merge_terms(merged["vocabulary"], clean["terms"])
        elif kind == "site":
            merged["sites"].append(clean)
        else:
            if clean["site"] not in sites:
                raise BuildError(path, "at /site", f"unknown site '{clean['site']}' (known: {', '.join(sorted(sites))})")
            ids = [step["id"] for step in clean["steps"]]
            for index, step_id in enumerate(ids):
                if ids.index(step_id) != index:
                    raise BuildError(path, f"at /steps/{index}/id", f"duplicate step id '{step_id}'")
            if site_access.get(clean["site"]) == "on-request":
                raise BuildError(path, "at /site", f"site '{clean['site']}' has access 'on-request': a walkthrough "
                                 "needs a site where the content script runs from installation")
            merged["flows"].append(clean)
    flow_names = {flow["name"] for flow in merged["flows"]}
    for path, doc in docs:
        for index, name in enumerate(doc.get("then", []) if doc["kind"] == "flow" else []):
            if name not in flow_names:
                raise BuildError(path, f"at /then/{index}", f"unknown flow '{name}' (known: {', '.join(sorted(flow_names))})")
    if not merged["vocabulary"]:
        raise BuildError(rules_dir, "", "no vocabulary rule file (kind 'vocabulary') found")
    if not merged["sites"]:
        raise BuildError(rules_dir, "", "no site rule file (kind 'site') found")
    return merged


def match_patterns(rules: dict) -> list[str]:
    """Where the content script runs from installation: sites with access 'install' (the default).
    Sites with access 'on-request' get no host permission; the popup injects on one page (activeTab)."""
    installed = [site for site in rules["sites"] if site.get("access", "install") == "install"]
    return sorted({pattern for site in installed for pattern in site["matches"]})


def render_manifest(template_path: Path, browser: str, version: str, rules: dict) -> dict:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_path.parent)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    patterns = match_patterns(rules)
    try:
        template = env.get_template(template_path.name)
        text = template.render(browser=browser, version=version, matches=patterns, host_permissions=patterns)
    except jinja2.TemplateSyntaxError as err:
        raise BuildError(template_path, f"line {err.lineno}", f"template syntax error: {err.message}") from None
    except jinja2.UndefinedError as err:
        lines = [f.lineno for f in traceback.extract_tb(err.__traceback__) if f.filename == str(template_path)]
        place = f"line {lines[-1]}" if lines else ""
        raise BuildError(template_path, place, f"undefined template variable: {err.message}") from None
    except OSError as err:
        raise BuildError(template_path, "", f"cannot read template ({err})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise BuildError(template_path, f"rendered for {browser}, line {err.lineno}", f"not valid JSON: {err.msg}") from None


def manifest_files(manifest: dict) -> list[str]:
    files = [p for cs in manifest.get("content_scripts", []) for p in cs.get("js", []) + cs.get("css", [])]
    background = manifest.get("background", {})
    files += background.get("scripts", []) + ([background["service_worker"]] if "service_worker" in background else [])
    files += list(manifest.get("icons", {}).values())
    files += list(manifest.get("action", {}).get("default_icon", {}).values())
    if "default_popup" in manifest.get("action", {}):
        files.append(manifest["action"]["default_popup"])
    return files


def with_bench_probe(manifest: dict) -> dict:
    """The manifest of a bench build: the probe runs before every other content script."""
    manifest = json.loads(json.dumps(manifest))
    for script in manifest.get("content_scripts", []):
        script["js"] = [BENCH_PROBE_OUTPUT, *script["js"]]
    return manifest


def add_bench_probe(dest: Path) -> None:
    """Copy the probe and let every content script (those of the manifest and those injected on
    demand) tell it when its evaluation starts and ends (tools/bench.py)."""
    shutil.copy2(BENCH_PROBE, dest / BENCH_PROBE_OUTPUT)
    for path in sorted((dest / "content").glob("*.js")):
        name = path.relative_to(dest).as_posix()
        if name == BENCH_PROBE_OUTPUT:
            continue
        source = path.read_text(encoding="utf-8")
        before = f"globalThis.ohneHakenBench?.before({json.dumps(name)});\n"
        strict = '"use strict";\n'  # stays the file's first statement (a directive)
        source = source.replace(strict, strict + before, 1) if strict in source else before + source
        path.write_text(f"{source}\n;globalThis.ohneHakenBench?.after({json.dumps(name)});\n", encoding="utf-8")


def assemble(target: str, dest: Path, ext_dir: Path, manifest: dict, rules: dict, *, bench: bool = False) -> None:
    shutil.copytree(ext_dir, dest, ignore=shutil.ignore_patterns(".*", "__pycache__"))
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    data = json.dumps(rules, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    (dest / RULES_OUTPUT).write_text(
        "// Generated by build.py from rules/*.json: do not edit.\n"
        f'"use strict";\nglobalThis.ohneHakenRules = {data};\n', encoding="utf-8")
    sites = [{"matches": site["matches"], "flows": sum(1 for flow in rules["flows"] if flow["site"] == site["name"]),
              **({"cookieHosts": site["cookieBanner"]["hosts"]} if site.get("cookieBanner", {}).get("hosts") else {}),
              **({"onRequest": 1} if site.get("access", "install") != "install" else {})} for site in rules["sites"]]
    (dest / SITES_OUTPUT).write_text(
        "// Generated by build.py from rules/ for content/sentinel.js: do not edit.\n"
        f'"use strict";\nglobalThis.ohneHakenSites = {json.dumps(sites, ensure_ascii=False, separators=(",", ":"))};\n',
        encoding="utf-8")
    if bench:
        add_bench_probe(dest)
    for name in manifest_files(manifest):
        if not (dest / name).is_file():
            raise BuildError(ROOT / "manifest.template.json", f"for {target}",
                             f"the manifest names '{name}', which extension/ does not have")


def package(source: Path, archive: Path) -> None:
    """Zip a folder reproducibly: sorted entries, fixed timestamps and permissions."""
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(source).as_posix(), date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes(), compresslevel=9)


def build(targets, out: Path, check: bool, log, bench: bool = False) -> dict:
    started = time.perf_counter()
    if bench and out.resolve() == (ROOT / "dist").resolve():
        raise BuildError(out, "", "a bench build never goes into dist/: pass --out with another folder")
    version = (ROOT / "VERSION").read_text(encoding="utf-8").strip()
    if not re.fullmatch(r"\d+(\.\d+){0,3}", version):
        raise BuildError(ROOT / "VERSION", "line 1", f"'{version}' is not a version like 1.2.3")
    ext_dir = ROOT / "extension"
    locales = load_locales(ext_dir)
    rules = load_rules(ROOT / "rules", locales)
    manifests = {t: render_manifest(ROOT / "manifest.template.json", t, version, rules) for t in targets}
    if bench:
        manifests = {t: with_bench_probe(m) for t, m in manifests.items()}
    log(1, f"rules: {len(rules['sites'])} site(s), {len(rules['flows'])} flow(s); locales: {', '.join(sorted(locales))}")
    if check:
        log(1, f"check passed in {time.perf_counter() - started:.2f} s (nothing written)")
        return {}

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        produced = []
        for target in targets:
            assemble(target, staging / target, ext_dir, manifests[target], rules, bench=bench)
            log(2, f"{target}: copied extension/, wrote manifest.json and {RULES_OUTPUT}")
            archive = f"ohne-haken-{version}-{target}.{PACKAGE_SUFFIX[target]}"
            package(staging / target, staging / archive)
            produced += [target, archive]
            log(2, f"{target}: packaged {archive}")
        # Swap: only now is the previous output touched.
        out.mkdir(exist_ok=True)
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
        for name in produced:
            if (out / name).exists():
                (out / name).rename(old / name)
            (staging / name).rename(out / name)
        for target in targets:  # packages of an older version of the same target
            for stale in out.glob(f"ohne-haken-*-{target}.{PACKAGE_SUFFIX[target]}"):
                if stale.name not in produced:
                    stale.rename(old / stale.name)
        shutil.rmtree(old)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    elapsed = time.perf_counter() - started
    log(1, f"built {', '.join(targets)} into {relative(out)}/ in {elapsed:.2f} s")
    return {"seconds": elapsed, "outputs": produced}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Validate rules/, render manifest.template.json and build the Ohne Haken "
                    "packages for Firefox and Chromium into dist/.")
    parser.add_argument("--target", choices=("all", *TARGETS), default="all",
                        help="which browser to build for (default: all)")
    parser.add_argument("--check", action="store_true",
                        help="validate rules, locales and the manifest template; write nothing")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", metavar="DIR",
                        help="output folder (default: dist/); replaced only after a successful build")
    parser.add_argument("--bench", action="store_true",
                        help="add the benchmark probe (tools/bench-probe.js) for tools/bench.py; "
                             "needs --out, never writes dist/")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each step")
    args = parser.parse_args(argv)
    level = 0 if args.quiet else (2 if args.verbose else 1)

    def log(min_level, message):
        if level >= min_level:
            print(message)

    targets = TARGETS if args.target == "all" else (args.target,)
    try:
        build(targets, args.out.resolve(), args.check, log, bench=args.bench)
    except BuildError as err:
        print(f"build.py: error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
