#!/bin/sh
# Regenerates screenshots/*.txt and *.svg from the real review screen (demo dailies, real
# engine, real views on ratatui's TestBackend). PNGs too when rsvg-convert is installed
# (apt-get install librsvg2-bin). Run from the repository root.
set -eu
cd "$(dirname "$0")/.."
cargo run --quiet --example screenshots -- screenshots
if command -v rsvg-convert >/dev/null 2>&1; then
    for svg in screenshots/*.svg; do
        rsvg-convert "$svg" -o "${svg%.svg}.png"
    done
fi

# The HTML report (needs chromium for the PNG).
bash screenshots/html-report.sh
