#!/usr/bin/env bash
# Builds a folder that runs Basin's CUDA checks on a machine with an NVIDIA GPU but no Java or
# Maven: a jlink'd Java runtime, Basin's jars and test classes with their dependencies, the JUnit
# console launcher, run-checks.sh, and the PyTorch peer of the timings (two small Python files).
# Nothing CUDA-specific is built here: on a CUDA-13-only machine, CudaBackend builds its cuBLAS
# forwarding library there with gcc, as it would for a user.
#
#   gpu/make-bundle.sh [BUNDLE_DIR]      (default: .gpu/bundle, which .gitignore ignores)
#
# Then, on the GPU machine, from the repository root:  bash .gpu/bundle/run-checks.sh OUT_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bundle=${1:-$root/.gpu/bundle}
junit_console=org.junit.platform:junit-platform-console-standalone:1.10.2

rm -rf "$bundle"
mkdir -p "$bundle/lib" "$bundle/test-classes"
cd "$root"
# One invocation, so that the reactor resolves Basin's own modules from their fresh jars.
mvn -B -q -DskipTests package dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$bundle/lib"
mvn -B -q dependency:copy -Dartifact=$junit_console -DoutputDirectory="$bundle/console"
for m in kernels autodiff engine experiments benchmarks; do
    cp "$m"/target/basin-"$m"-*.jar "$bundle/lib/"
    [[ -d "$m/target/test-classes" ]] && cp -r "$m/target/test-classes/." "$bundle/test-classes/"
done
rm -f "$bundle"/lib/basin-*-tests.jar
# The console launcher carries JUnit itself; a second copy would register its engine twice.
rm -f "$bundle"/lib/junit-*.jar "$bundle"/lib/opentest4j-*.jar "$bundle"/lib/apiguardian-*.jar
# JCuda natives the driver-API path never loads (9 MB): the PTX compiler and NVRTC.
for j in "$bundle"/lib/jcuda-natives-*.jar; do zip -q -d "$j" 'lib/libJNvPTXCompiler-*' 'lib/libJNvrtc-*' || true; done
# JMH's annotation processor and its generated code are not needed to run the timing main.
rm -f "$bundle"/lib/jmh-generator-*.jar

java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
modules=java.base,java.logging,java.management,java.xml,java.scripting,jdk.unsupported,jdk.incubator.vector,java.naming
compress=zip-6; "$java_home/bin/jlink" --help | grep -q 'zip-\[0-9\]' || compress=2
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --compress="$compress" --output "$bundle/jre"
cp "$root/gpu/run-checks.sh" "$bundle/"
# Laid out as in the repository, so that gpu_bench.py finds ../../interop/spec_to_torch.py.
mkdir -p "$bundle/benchmarks/pytorch" "$bundle/interop"
cp "$root/benchmarks/pytorch/gpu_bench.py" "$bundle/benchmarks/pytorch/"
cp "$root/interop/spec_to_torch.py" "$bundle/interop/"
echo "bundle: $bundle, $(du -sm "$bundle" | cut -f1) MiB (what travels must stay under 64 MiB with the repository)"
