#!/usr/bin/env bash
# Downloads hls4ml's published jet-tagging benchmark model (the same 16 -> 64 -> 32 -> 32 -> 5 network,
# trained by the hls4ml authors on the real LHC jet data set) from github.com/fastmachinelearning/example-models:
#   onnx/three_layer_keras.onnx          the ONNX export (MatMul/Add/Relu/Softmax, input 'input_1_0' [1,16])
#   keras/KERAS_3layer.json              the Keras architecture
#   keras/KERAS_3layer_weights.h5        the Keras weights (identical to the ONNX weights)
# That repository has no licence file, so the files are downloaded on demand rather than committed here.
#
# Usage:  ./download_hls4ml_weights.sh [output-folder]        (default: ./hls4ml-weights next to this script)
#         REF=master ./download_hls4ml_weights.sh              (another branch or commit; default is pinned)
# With the default REF the sha256 of every file is checked; with another REF the sums are only printed.
set -euo pipefail

PINNED=ce390f9a806dac2c254736c6113896c540e7447b
REF="${REF:-$PINNED}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/hls4ml-weights}"
BASE="https://raw.githubusercontent.com/fastmachinelearning/example-models/$REF"

# path in the repository, expected sha256 at $PINNED
FILES=(
  "onnx/three_layer_keras.onnx 0f9e0ce651a9af2742c9fb2f3d2ec72347adaa388ad8bbc863ef00a545341d09"
  "keras/KERAS_3layer.json 3076dbe207d03140edc4ec2f8a4ecd87c3ccb61e75a676b333539c227d19ef62"
  "keras/KERAS_3layer_weights.h5 5d8dcf965c6b6ad58f921bf076482f17f94f828c1dae419674d93ef39a51c2dc"
)

command -v curl >/dev/null || { echo "curl is not installed" >&2; exit 1; }
mkdir -p "$OUT"

first_bytes() { head -c "$2" "$1" | od -An -tx1 | tr -d ' \n'; }

for entry in "${FILES[@]}"; do
  path="${entry%% *}"
  want="${entry##* }"
  dest="$OUT/$(basename "$path")"
  tmp="$dest.part"
  echo "downloading $BASE/$path"
  if ! curl -fsSL --retry 3 --connect-timeout 20 -o "$tmp" "$BASE/$path"; then
    rm -f "$tmp"
    echo "download failed: $BASE/$path (no internet access, or the file moved; try REF=master)" >&2
    exit 1
  fi
  if [ ! -s "$tmp" ]; then
    rm -f "$tmp"
    echo "downloaded file is empty: $BASE/$path" >&2
    exit 1
  fi
  # a Git LFS pointer or an HTML error page instead of the file would fail these checks
  case "$path" in
    *.onnx)
      # an ONNX ModelProto starts with field 1 (ir_version, varint): tag byte 0x08
      [ "$(first_bytes "$tmp" 1)" = "08" ] || { rm -f "$tmp"; echo "not an ONNX model: $BASE/$path" >&2; exit 1; } ;;
    *.h5)
      [ "$(first_bytes "$tmp" 8)" = "894844460d0a1a0a" ] || { rm -f "$tmp"; echo "not an HDF5 file: $BASE/$path" >&2; exit 1; } ;;
    *.json)
      [ "$(head -c 1 "$tmp")" = "{" ] || { rm -f "$tmp"; echo "not a JSON object: $BASE/$path" >&2; exit 1; } ;;
  esac
  got="$(sha256sum "$tmp" | cut -d' ' -f1)"
  if [ "$REF" = "$PINNED" ] && [ "$got" != "$want" ]; then
    rm -f "$tmp"
    echo "sha256 mismatch for $path: got $got, expected $want" >&2
    exit 1
  fi
  mv "$tmp" "$dest"
  echo "  -> $dest ($(wc -c < "$dest") bytes, sha256 $got)"
done

# a full structural check when Debian's python3-onnx is installed
if /usr/bin/python3 -c "import onnx" 2>/dev/null; then
  /usr/bin/python3 - "$OUT/three_layer_keras.onnx" <<'EOF'
import sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m)
weights = {t.name for t in m.graph.initializer}
print("  onnx.checker ok:", [i.name for i in m.graph.input if i.name not in weights], "->", [o.name for o in m.graph.output],
      "ops", [n.op_type for n in m.graph.node])
EOF
fi

echo "hls4ml benchmark model written to $OUT"
echo "note: it expects the real data set's standardized features, not this folder's synthetic ones"
