#!/usr/bin/env bash
# Create or refresh the two Python environments (and, with --test, the test
# tools). Idempotent: each step records a stamp of its inputs and is skipped
# when nothing changed, so a second run takes a second or two.
#
#   .venv       Python 3.11: every Frontdoor service, the action server, tests
#   .venv-rasa  Python 3.10: Rasa 3.6.21 only (it does not run on 3.11)
#
# Override the interpreters with FRONTDOOR_PYTHON311 / FRONTDOOR_PYTHON310.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test_tools=false
[[ "${1:-}" == "--test" ]] && want_test_tools=true

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'frontdoor setup: %s\n' "$*" >&2; exit 1; }

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

find_python() {  # $1 = major.minor, $2 = override variable value
  local version="$1" override="$2" candidate
  if [[ -n "$override" ]]; then
    [[ -x "$override" ]] || die "$override (from FRONTDOOR_PYTHON${version/./}) is not an executable"
    echo "$override"; return
  fi
  for candidate in "python$version" python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       [[ "$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" == "$version" ]]; then
      command -v "$candidate"; return
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    candidate="$(ls -d "$(pyenv root)"/versions/"$version".*/bin/python 2>/dev/null | sort -V | tail -n1 || true)"
    [[ -n "$candidate" && -x "$candidate" ]] && { echo "$candidate"; return; }
  fi
  return 1
}

make_venv() {  # $1 = dir, $2 = python, $3 = lock file, $4 = extra stamp inputs...
  local dir="$1" python="$2" lock="$3"; shift 3
  local stamp; stamp="$(stamp_of "$lock" "$@")"
  if [[ -f "$dir/.frontdoor-stamp" && "$(cat "$dir/.frontdoor-stamp")" == "$stamp" ]]; then
    return 0
  fi
  say "installing $dir from $lock (first time takes a few minutes)"
  [[ -x "$dir/bin/python" ]] || "$python" -m venv "$dir"
  # --no-deps: the lock is complete, so pip never resolves anything by itself
  # (an unpinned torch would otherwise pull several GB of CUDA packages).
  "$dir/bin/python" -m pip install --quiet --no-deps --no-warn-script-location -r "$lock" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
  echo "$stamp" > "$dir/.frontdoor-stamp.pending"
}

finish_venv() { mv "$1/.frontdoor-stamp.pending" "$1/.frontdoor-stamp" 2>/dev/null || true; }

py311="$(find_python 3.11 "${FRONTDOOR_PYTHON311:-}")" ||
  die "Python 3.11 not found. Install it (pyenv install 3.11.7) or set FRONTDOOR_PYTHON311=/path/to/python3.11"
py310="$(find_python 3.10 "${FRONTDOOR_PYTHON310:-}")" ||
  die "Python 3.10 not found; Rasa 3.6.21 needs it. Install it (pyenv install 3.10.13) or set FRONTDOOR_PYTHON310=/path/to/python3.10"

make_venv .venv "$py311" requirements/py311.lock pyproject.toml

if [[ -f .venv/.frontdoor-stamp.pending ]]; then
  .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e . 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
  .venv/bin/python -m pip check >/dev/null || die "the .venv environment is inconsistent: $(.venv/bin/python -m pip check | head -n3)"
fi
# The search model for ONNX Runtime, exported from the installed package (never a
# hub), checked when the .venv was (re)installed, the export is missing, or it lives
# elsewhere. Stamped inside the export: a no-op unless the model, torch or onnxruntime
# changed. Before finish_venv: a failed export is retried by the next run.
onnx_stamp=.venv/share/frontdoor/onnx/all-MiniLM-L6-v2/stamp.json
if [[ -f .venv/.frontdoor-stamp.pending || ! -f "$onnx_stamp" || -n "${FRONTDOOR_KNOWLEDGE_ONNX_DIR:-}" ]]; then
  say "exporting the search model to ONNX (once, under a minute)"
  .venv/bin/frontdoor knowledge export-onnx || die "could not export the search model to ONNX"
fi
if [[ -f .venv/.frontdoor-stamp.pending ]]; then finish_venv .venv; fi

make_venv .venv-rasa "$py310" requirements/rasa310.lock
if [[ -f .venv-rasa/.frontdoor-stamp.pending ]]; then
  .venv-rasa/bin/python -m pip check >/dev/null || die "the .venv-rasa environment is inconsistent: $(.venv-rasa/bin/python -m pip check | head -n3)"
  finish_venv .venv-rasa
fi

if [[ -f package-lock.json ]]; then
  npm_stamp="$(stamp_of package-lock.json)"
  if [[ ! -f node_modules/.frontdoor-stamp || "$(cat node_modules/.frontdoor-stamp)" != "$npm_stamp" ]]; then
    say "installing front-end packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$npm_stamp" > node_modules/.frontdoor-stamp
  fi
fi

if $want_test_tools && [[ ! -x /usr/bin/chromium ]]; then
  say "installing Debian's chromium for the browser tests"
  if [[ "$(id -u)" == 0 ]]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ||
      die "could not install chromium with apt-get"
  else
    die "the browser tests need /usr/bin/chromium: run 'sudo apt-get install chromium'"
  fi
fi
if $want_test_tools && ! command -v faketime >/dev/null 2>&1; then
  say "installing Debian's faketime for the date and time tests (make test-time)"
  if [[ "$(id -u)" == 0 ]]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null) ||
      die "could not install faketime with apt-get"
  else
    die "the date and time tests need faketime: run 'sudo apt-get install faketime'"
  fi
fi
if $want_test_tools && ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
  say "installing Debian's nginx-light (the example proxy configuration is checked with nginx -t)"
  if [[ "$(id -u)" == 0 ]]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null) ||
      die "could not install nginx-light with apt-get"
  else
    die "the proxy configuration test needs nginx: run 'sudo apt-get install nginx-light'"
  fi
fi
exit 0
