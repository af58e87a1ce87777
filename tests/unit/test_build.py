"""build.py without a browser: rendering per target, rule validation, every bad input, determinism."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ("build.py", "VERSION", "manifest.template.json", "rules", "extension")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the build's inputs, to break at will."""
    for name in INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy2(source, tmp_path / name)
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")  # the pinned esbuild
    return tmp_path


def run_build(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(project / "build.py"), *args], cwd=project,
                          capture_output=True, text=True, check=False)


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def manifest(project: Path, target: str) -> dict:
    return json.loads((project / "dist" / target / "manifest.json").read_text())


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2))


# ---- good builds ---------------------------------------------------------------------------

def test_firefox_and_chromium_manifests_differ_only_where_browsers_do(project):
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    firefox, chromium = manifest(project, "firefox"), manifest(project, "chromium")
    assert firefox["background"] == {"scripts": ["shared/common.js", "background/storage-schema.js", "background/background.js"]}
    assert chromium["background"] == {"service_worker": "background/background.js"}
    # The service worker loads the migration with importScripts: the file ships beside it.
    assert (project / "dist" / "chromium" / "background" / "storage-schema.js").is_file()
    gecko = firefox["browser_specific_settings"]["gecko"]
    assert gecko["id"] and gecko["strict_min_version"] == "142.0"
    assert gecko["data_collection_permissions"] == {"required": ["none"]}
    assert "browser_specific_settings" not in chromium
    version = (project / "VERSION").read_text().strip()
    for m in (firefox, chromium):
        assert m["manifest_version"] == 3 and m["version"] == version
        assert m["permissions"] == ["storage", "activeTab", "scripting"]
    common = {k for k in firefox if k not in ("background", "browser_specific_settings")}
    assert common == {k for k in chromium if k not in ("background", "minimum_chrome_version")}
    assert all(firefox[k] == chromium[k] for k in common)


def test_match_patterns_come_from_the_rules(project):
    edit_json(project / "rules" / "o2online.json", lambda d: d["matches"].append("*://*.blau.de/*"))
    assert run_build(project).returncode == 0
    m = manifest(project, "firefox")
    assert m["host_permissions"] == ["*://*.blau.de/*", "*://*.o2online.de/*", "*://consenthub.utiq.com/*",
                                     "*://telefonica.de/*", "*://www.telefonica.de/*"]
    assert m["content_scripts"][0]["matches"] == m["host_permissions"]
    # A site with access "on-request" (Vodafone) gets no access at install: its terms ride along in the rules.
    assert not any("vodafone" in pattern for pattern in m["host_permissions"])
    rules_data = (project / "dist" / "firefox" / "content" / "rules-data.js").read_text()
    assert '"vodafone"' in rules_data
    assert m["content_scripts"][0]["all_frames"] is True


def test_merged_rules_are_written_without_documentation_fields(project):
    assert run_build(project).returncode == 0
    text = (project / "dist" / "firefox" / "content" / "rules-data.js").read_text()
    data = json.loads(text[text.index("{"):text.rindex("}") + 1])
    assert set(data) == {"vocabulary", "sites", "flows"}
    assert "consent" in data["vocabulary"]
    assert '"comment"' not in text and '"_meta"' not in text and "$schema" not in text


def test_packages_exist_and_match_the_folders(project):
    assert run_build(project).returncode == 0
    version = (project / "VERSION").read_text().strip()
    for target, suffix in (("firefox", "xpi"), ("chromium", "zip")):
        archive = project / "dist" / f"ohne-haken-{version}-{target}.{suffix}"
        with zipfile.ZipFile(archive) as zf:
            names = sorted(zf.namelist())
        assert names == sorted(tree_digest(project / "dist" / target))
        assert "manifest.json" in names


def test_two_builds_are_byte_identical(project, tmp_path):
    assert run_build(project, "--out", str(tmp_path / "one")).returncode == 0
    assert run_build(project, "--out", str(tmp_path / "two")).returncode == 0
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_target_option_builds_one_browser(project):
    assert run_build(project, "--target", "chromium").returncode == 0
    assert (project / "dist" / "chromium").is_dir()
    assert not (project / "dist" / "firefox").exists()


def test_check_writes_nothing(project):
    result = run_build(project, "--check")
    assert result.returncode == 0, result.stderr
    assert not (project / "dist").exists()


def test_help_explains_the_options(project):
    result = run_build(project, "--help")
    for option in ("--target", "--check", "--out", "--quiet", "--verbose"):
        assert option in result.stdout


# ---- bad input: exit 1, one clear message, previous dist/ untouched ------------------------

def break_json_syntax(p):
    (p / "rules" / "o2online.json").write_text('{\n  "kind": "site",\n  "name": "o2online"\n  "matches": []\n}\n')


def break_schema(p):
    edit_json(p / "rules" / "o2online.json", lambda d: d.update(matches=["not a pattern"]))


def break_step_type(p):
    (p / "rules" / "flows").mkdir(exist_ok=True)
    (p / "rules" / "flows" / "broken.json").write_text(json.dumps({
        "$schema": "../schema.json", "kind": "flow", "name": "broken", "site": "o2online", "title": "extName",
        "start": "/", "steps": [
            {"id": "a", "type": "teleport", "page": {}, "text": "extName"},
            {"id": "b", "type": "done", "page": {}, "text": "extName"}]}))


def break_duplicate_name(p):
    data = json.loads((p / "rules" / "o2online.json").read_text())
    (p / "rules" / "o2online-copy.json").write_text(json.dumps(data))


def break_locale_reference(p):
    (p / "rules" / "flows").mkdir(exist_ok=True)
    (p / "rules" / "flows" / "missing-key.json").write_text(json.dumps({
        "$schema": "../schema.json", "kind": "flow", "name": "missing-key", "site": "o2online", "title": "extName",
        "start": "/", "steps": [
            {"id": "a", "type": "done", "page": {}, "text": "noSuchMessage"},
            {"id": "b", "type": "done", "page": {}, "text": "extName"}]}))


def break_caveat_key(p):
    edit_json(p / "rules" / "flows" / "utiq-optout.json", lambda d: d.update(caveat="noSuchCaveat"))


def break_flow_on_request_site(p):
    edit_json(p / "rules" / "flows" / "telefonica-dap.json", lambda d: d.update(site="vodafone"))


def break_offered_flow(p):
    edit_json(p / "rules" / "flows" / "o2-today.json", lambda d: d.update(then=["telefonica-dap", "no-such-flow"]))


def break_locale_file(p):
    edit_json(p / "extension" / "_locales" / "en" / "messages.json", lambda d: d.pop("clearAll"))


def break_template_variable(p):
    path = p / "manifest.template.json"
    path.write_text(path.read_text().replace('"version": "{{ version }}"', '"version": "{{ versoin }}"'))


def break_template_syntax(p):
    path = p / "manifest.template.json"
    path.write_text(path.read_text().replace("{%- endif %}", ""))


def break_unreadable_file(p):
    (p / "rules" / "o2online.json").write_bytes(b'{"name": "\xff\xfe"}')


BAD_INPUTS = {
    "malformed JSON": (break_json_syntax, "rules/o2online.json", "line 4, column 3", "invalid JSON"),
    "schema violation": (break_schema, "rules/o2online.json", "at /matches/0", "schema violation"),
    "unknown step type": (break_step_type, "rules/flows/broken.json", "at /steps/0/type", "'teleport' is not one of"),
    "duplicate names": (break_duplicate_name, "rules/o2online.json", "at /name", "duplicate name 'o2online'"),
    "unknown locale key in a rule": (break_locale_reference, "rules/flows/missing-key.json", "at /steps/0/text",
                                     "locale key 'noSuchMessage' is missing"),
    "unknown locale key in a caveat": (break_caveat_key, "rules/flows/utiq-optout.json", "at /caveat",
                                       "locale key 'noSuchCaveat' is missing"),
    "walkthrough on a site without access": (break_flow_on_request_site, "rules/flows/telefonica-dap.json", "at /site",
                                             "site 'vodafone' has access 'on-request'"),
    "unknown offered flow": (break_offered_flow, "rules/flows/o2-today.json", "at /then/1", "unknown flow 'no-such-flow'"),
    "message missing in one locale": (break_locale_file, "extension/_locales/en/messages.json", "at /clearAll",
                                      "message missing in locale 'en'"),
    "undefined template variable": (break_template_variable, "manifest.template.json", "line ",
                                    "undefined template variable: 'versoin' is undefined"),
    "template syntax error": (break_template_syntax, "manifest.template.json", "line ", "template syntax error"),
    "unreadable file": (break_unreadable_file, "rules/o2online.json", "", "cannot read file"),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_stops_the_build_and_keeps_dist(project, case):
    assert_stops_and_keeps_dist(project, *BAD_INPUTS[case])
    assert run_build(project, "--check").returncode == 1


def assert_stops_and_keeps_dist(project, breaker, file, place, reason):
    """A good build, then `breaker`: the next build fails with one line naming file, place and
    reason, and leaves dist/ as it was."""
    assert run_build(project).returncode == 0
    before = tree_digest(project / "dist")
    breaker(project)
    result = run_build(project)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    message = lines[0]
    assert message.startswith(f"build.py: error: {file}"), message
    assert place in message and reason in message, message
    assert tree_digest(project / "dist") == before
    assert not list(project.glob(".dist-*")), "staging folders must be cleaned up"


def break_script_syntax(p):
    path = p / "extension" / "content" / "labels.js"
    lines = path.read_text().splitlines()
    lines.insert(9, "  const broken = (;")  # becomes line 10
    path.write_text("\n".join(lines) + "\n")


def remove_esbuild(p):
    (p / "node_modules").unlink()


BAD_SCRIPTS = {
    "syntax error in a bundled script": (break_script_syntax, "extension/content/labels.js", "line 10, column 19",
                                         "bundling bundles/engine.js"),
    "esbuild missing": (remove_esbuild, "node_modules/.bin/esbuild", "", "run `scripts/ensure-tools.sh node`"),
}


@pytest.mark.parametrize("case", BAD_SCRIPTS, ids=list(BAD_SCRIPTS))
def test_a_script_that_does_not_bundle_stops_the_build_and_keeps_dist(project, case):
    """The scripts are joined and minified by esbuild (BUNDLES in build.py): an error names the
    source file and its line, not the bundle's, and dist/ stays as it was."""
    assert_stops_and_keeps_dist(project, *BAD_SCRIPTS[case])


def test_bundles_replace_their_files_except_where_a_page_loads_them(project):
    """Web pages get one minified file per bundle; the popup's own scripts stay as they are."""
    sys.path.insert(0, str(ROOT))
    import build
    assert run_build(project).returncode == 0
    for target in ("firefox", "chromium"):
        folder = project / "dist" / target
        assert manifest(project, target)["content_scripts"][0]["js"] == ["bundles/page.js"]
        for name, files in build.BUNDLES.items():
            paths = [ROOT / "extension" / file for file in files]
            bundled = (folder / name).read_bytes()
            assert b"/**" not in bundled, f"{name} is not minified"  # the unminified bundles keep doc comments
            if all(path.is_file() for path in paths):  # without generated data (rules, messages: no comments to lose)
                assert len(bundled) < 0.6 * sum(len(path.read_bytes()) for path in paths), f"{name} is not minified"
        packaged = {p.relative_to(folder).as_posix() for p in folder.rglob("*.js")}
        assert "content/sentinel.js" not in packaged and "content/engine-core.js" not in packaged
        assert {"shared/common.js", "content/rules-data.js", "content/user-terms.js"} <= packaged  # the popup's
