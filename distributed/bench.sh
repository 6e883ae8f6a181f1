#!/usr/bin/env bash
# Grid points per second in-process and through Spark (SparkGridBench), as Markdown rows for
# benchmarks/RESULTS.md. Extra arguments go to JMH, e.g. `distributed/bench.sh -p model=mlp`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -pl distributed,benchmarks -am test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
cp="distributed/target/test-classes:distributed/target/classes:$(cat distributed/target/classpath.txt)"
result="distributed/target/jmh-$(date -u +%Y%m%dT%H%M%SZ).json"
java --add-modules jdk.incubator.vector -cp "$cp" org.openjdk.jmh.Main SparkGridBench -rf json -rff "$result" "$@"
java --add-modules jdk.incubator.vector -cp "benchmarks/target/classes:$cp" basin.benchmarks.Summary "$result"
