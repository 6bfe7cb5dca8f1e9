#!/usr/bin/env bash
# Regenerates screenshots/report.html and screenshots/report-html.png: the demo dailies checked
# against the shipped EBU spec, a few findings reviewed, exported as HTML, rendered by headless
# Chromium (Debian package `chromium`).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/dailies-qc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin" demo "$work/dailies" >/dev/null
"$bin" check --operator "Ana (QC)" --format json -o "$work/report.json" \
    --spec specs/ebu-r128-hd-broadcast.yaml "$work/dailies" || true   # exit 1: it has failures

# Review two findings the way an operator would in the review screen.
python3 - "$work/report.json" "$work/" "$PWD/" <<'PY'
import json, sys
path, work, repo = sys.argv[1:4]
# Paths in the committed sample are the temporary folder's; make them stable.
report = json.loads(open(path).read().replace(work, "/mnt/deliveries/").replace(repo, ""))
for f in report["files"]:
    name = f["path"].rsplit("/", 1)[-1]
    for finding in f["findings"]:
        if name == "A001_C003_v001.mov" and finding["check"] == "video.frame_rate":
            finding["review"] = {"verdict": "waived", "note": "24p approved by post supervisor (mail 28/11)",
                                 "operator": "Ana (QC)", "at": "2026-11-29T02:10:00+00:00"}
        if name == "A001_C004_v001.mov" and finding["check"] == "video.resolution":
            finding["review"] = {"verdict": "rejected", "note": "720p proxy delivered instead of master",
                                 "operator": "Ana (QC)", "at": "2026-11-29T02:12:00+00:00"}
json.dump(report, open(path, "w"), indent=2)
PY

"$bin" export "$work/report.json" --format html -o screenshots/report.html
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "chromium not found (apt-get install -y chromium); screenshots/report.html was written" >&2
    exit 1
fi
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1500 \
    --screenshot="$PWD/screenshots/report-html.png" "file://$PWD/screenshots/report.html" 2>/dev/null
echo "wrote screenshots/report.html and screenshots/report-html.png"
