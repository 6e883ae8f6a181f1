#!/usr/bin/env bash
# Basin against PyTorch on this machine, case by case (gradient and HVP of issue 13's models and
# batches); prints the table for benchmarks/RESULTS.md. Arguments go to peer.py, e.g.
#   benchmarks/peer/run.sh --quick
#   benchmarks/peer/run.sh --device cuda
# The CPU peer is Debian's /usr/bin/python3 with python3-torch and libopenblas0; PYTHON picks another
# interpreter (a GPU machine's PyTorch).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
./basin --version >/dev/null          # builds Basin now, so that no build runs between timings
python="${PYTHON:-/usr/bin/python3}"
[[ -x "$python" ]] || python=python3
exec "$python" benchmarks/peer/peer.py "$@"
