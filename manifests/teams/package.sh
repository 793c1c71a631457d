#!/usr/bin/env sh
# Builds the Teams app package (manifests/teams/spebot-teams.zip) for sideloading.
# Usage: manifests/teams/package.sh [BOT_APP_ID] [HOST]
#   BOT_APP_ID replaces the placeholder botId (your Teams:AppId); HOST replaces spebot.example.com.
set -eu
cd "$(dirname "$0")"
python3 make_icons.py
python3 - "${1:-}" "${2:-}" <<'PY'
import json, sys, zipfile
app_id, host = sys.argv[1], sys.argv[2]
with open("manifest.json", encoding="utf-8") as f:
    text = f.read()
if app_id:
    text = text.replace("6f1c7a52-3c1e-4f4e-9a59-2f5c2b0d7a11", app_id)
if host:
    text = text.replace("spebot.example.com", host)
json.loads(text)  # fail before zipping a broken manifest
with zipfile.ZipFile("spebot-teams.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("manifest.json", text)
    z.write("color.png")
    z.write("outline.png")
print("wrote manifests/teams/spebot-teams.zip")
PY
