#!/usr/bin/env bash
# Draws the architecture picture from its Graphviz source:
#
#   scripts/architecture.sh          docs/architecture.dot -> docs/architecture.png and .svg
#
# Installs Graphviz first when `dot` is missing (scripts/setup-deps.sh --docs, which needs root
# and the network only then). Edit the .dot, run this, and commit the .dot with both pictures.
set -euo pipefail
cd "$(dirname "$0")/.."

SOURCE=docs/architecture.dot
[[ -f "$SOURCE" ]] || { echo "architecture: $SOURCE not found" >&2; exit 1; }
command -v dot >/dev/null || bash scripts/setup-deps.sh --docs

# -Gdpi sets the PNG's resolution only; the SVG is drawn at its natural size.
dot -Tpng -Gdpi=110 "$SOURCE" -o docs/architecture.png
dot -Tsvg "$SOURCE" -o docs/architecture.svg
echo "architecture: wrote docs/architecture.png and docs/architecture.svg from $SOURCE"
