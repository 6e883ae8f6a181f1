package basin.kernels.cuda;

import basin.kernels.CounterRng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dropout generator in CUDA C (src/main/cuda/philox.cuh, a __host__ __device__ function)
 * compiled for the host with nvcc, against {@link CounterRng}: the GPU and the CPU make the same
 * masks without a GPU being needed to check it. Skipped where nvcc is not installed.
 */
class PhiloxSourceTest {

    @Test
    void cudaPhiloxUniformIsCounterRngUniformBitForBit(@TempDir Path tmp) throws Exception {
        assumeTrue(PtxSourceTest.onPath("nvcc"), "nvcc not installed: cannot compile philox.cuh for the host (skipped)");
        try (InputStream in = PhiloxSourceTest.class.getResourceAsStream("/basin/kernels/cuda/philox_host.cu")) {
            Files.copy(in, tmp.resolve("philox_host.cu"));
        }
        Path program = tmp.resolve("philox_host");
        PtxSourceTest.Result build = PtxSourceTest.run(List.of("nvcc", "-std=c++17", "-I", Paths.get("src/main/cuda").toAbsolutePath().toString(),
                "-o", program.toString(), tmp.resolve("philox_host.cu").toString()));
        assertEquals(0, build.status(), "nvcc philox_host.cu:\n" + build.output());
        PtxSourceTest.Result run = PtxSourceTest.run(List.of(program.toString()));
        assertEquals(0, run.status(), run.output());
        List<String> lines = run.output().lines().toList();
        assertEquals(24, lines.size(), run.output());
        for (String line : lines) {
            String[] f = line.trim().split(" ");
            long seed = Long.parseUnsignedLong(f[0]), index = Long.parseUnsignedLong(f[1]);
            int bits = Integer.parseUnsignedInt(f[2], 16);
            assertEquals(Float.intBitsToFloat(bits), CounterRng.uniform(seed, index), "seed " + Long.toUnsignedString(seed) + ", index " + index);
        }
    }
}
