#!/usr/bin/env bash
# Builds the JMH jar, runs the benchmarks whose names match $1 (default: all) and prints the
# Markdown rows for RESULTS.md. Extra arguments go to JMH, e.g. `benchmarks/run.sh Gemm -f 1`.
# The raw JMH JSON is kept in benchmarks/target/jmh-<date>.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -pl benchmarks -am package -DskipTests
pattern="${1:-.*}"
shift || true
result="benchmarks/target/jmh-$(date -u +%Y%m%dT%H%M%SZ).json"
java -jar benchmarks/target/benchmarks.jar "$pattern" -rf json -rff "$result" "$@"
java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar basin.benchmarks.Summary "$result"
