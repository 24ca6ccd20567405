#!/usr/bin/env bash
# The system packages the tests need: Debian's Chromium (browser tests), Noto CJK fonts
# (Chinese in screenshots and PDFs), poppler-utils (pdftoppm) and gettext (makemessages).
# Installed with apt when missing and we may; otherwise the gap is reported, and in CI
# (CI=true) the tests that need them fail instead of skipping.
missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} from Debian..."
  (apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "${missing[@]}" >/dev/null)) \
    || echo "warning: could not install ${missing[*]}"
else
  echo "warning: missing system packages: ${missing[*]} (apt-get install -y ${missing[*]})"
fi
