#!/usr/bin/env bash
# Fuzzes every file reader for a fixed time each with Jazzer (coverage-guided, libFuzzer inside the JVM).
#
#   fuzz/run.sh [FILTER]      # 30 s per target (FuzzFiles.DURATION); FILTER picks targets by substring
#
# Each target is a @FuzzTest under src/test/java; plain `mvn test` runs only its committed inputs
# (src/test/resources/<package>/<Class>Inputs/<method>/: seeds and every crash found so far). Here
# JAZZER_FUZZ=1 makes Jazzer explore from them. A finding fails the run: Jazzer prints the stack
# trace and saves the input as crash-<sha1> in that Inputs folder, where it stays as a regression
# input once the reader is fixed. The corpus it grows meanwhile is in <module>/.cifuzz-corpus/ (ignored).
# Extra Maven flags (e.g. -o) come from $MVN_FLAGS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=30   # FuzzFiles.DURATION: Jazzer reads the time from the @FuzzTest annotation only
filter="${1:-}"
targets=(
  "engine basin.engine.data.IdxReaderFuzzTest#pairOfFilesIsReadOrRefusedAsMalformed"
  "engine basin.engine.data.IdxReaderFuzzTest#gzipPairIsReadOrRefusedAsMalformed"
  "engine basin.engine.data.CifarReaderFuzzTest#binaryFileIsReadOrRefusedAsMalformed"
  "engine basin.engine.data.CifarReaderFuzzTest#gzipFileIsReadOrRefusedAsMalformed"
  "engine basin.engine.nn.checkpoint.SafetensorsFuzzTest#fileIsReadOrRefusedAsFormatError"
  "engine basin.engine.nn.checkpoint.SafetensorsFuzzTest#checkpointLoadsIntoTheModelOrIsRefused"
  "engine basin.engine.nn.spec.ModelSpecFuzzTest#specFileBuildsAModelOrIsRefused"
  "engine basin.engine.probe.landscape.GridFileFuzzTest#gridFileResumesOrIsRefused"
  "experiments basin.experiments.study.StudyRunFuzzTest#runFolderOpensOrIsRefused"
)

logs="$(mktemp -d -t basin-fuzz.XXXXXX)"
failed=()
for target in "${targets[@]}"; do
  read -r module test <<<"$target"
  [[ -n "$filter" && "$test" != *"$filter"* ]] && continue
  echo "fuzz: $test for ${seconds}s"
  # -am builds the modules below; -Dtest runs none of their tests.
  # Jackson is instrumented too, so that the fuzzer learns the JSON that the readers parse with it.
  if ! JAZZER_FUZZ=1 mvn -B -q ${MVN_FLAGS:-} -pl "$module" -am test -Dtest="$test" \
      "-Djazzer.instrument=basin.**,com.fasterxml.jackson.**" \
      -Dsurefire.failIfNoSpecifiedTests=false \
      > "$logs/${test##*.}.log" 2>&1; then
    failed+=("$test")
    grep -E "FuzzTestFinding|Caused by|^\s+at basin\." "$logs/${test##*.}.log" | head -20 || true
  fi
done

if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]} (logs in $logs; inputs saved as crash-* under src/test/resources)"
  exit 1
fi
echo "fuzz: no findings (logs in $logs)"
