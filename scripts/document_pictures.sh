#!/usr/bin/env bash
# The pictures of the documents README shows: builds a store from data/ in a scratch folder, writes
# the 112 packet, a group bundle, a city summary, the minutes and the update workbook with the CLI,
# prints each with LibreOffice and keeps one page of each as a PNG in docs/pictures/.
#   scripts/document_pictures.sh        (needs soffice and pdftoppm: libreoffice-writer-nogui,
#                                        libreoffice-calc-nogui, poppler-utils)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DATABASE_URL="sqlite:///$work/store.db"
"$python" -m dashboard load >/dev/null
"$python" -m dashboard packet 112 "$work/packet.docx" >/dev/null
"$python" -m dashboard bundle --group 交通運輸組 --cycle 112 "$work/bundle.docx" >/dev/null
"$python" -m dashboard city-summary --cycle 112 桃園市 "$work/city_summary.docx" >/dev/null
"$python" -m dashboard minutes 112 "$work/minutes.docx" >/dev/null
"$python" -m dashboard export-sheet --group 交通運輸組 --cycle 112 "$work/update_sheet.xlsx" >/dev/null
# Fonts as the tests print them (deploy/fonts.conf: 標楷體 and Times New Roman to metric-compatible faces)
export FONTCONFIG_FILE="$PWD/deploy/fonts.conf"
soffice --headless --norestore "-env:UserInstallation=file://$work/profile" --convert-to pdf \
  --outdir "$work" "$work"/*.docx "$work"/*.xlsx >/dev/null 2>&1
mkdir -p docs/pictures
# name:page — the page that shows each document best
for spec in packet:12 bundle:4 city_summary:1 minutes:1 update_sheet:1; do
  name=${spec%%:*} page=${spec##*:}
  pdftoppm -png -r 60 -f "$page" -l "$page" -singlefile "$work/$name.pdf" "docs/pictures/$name"
done
ls -l docs/pictures
