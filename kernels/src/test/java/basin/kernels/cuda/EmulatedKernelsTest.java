package basin.kernels.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link KernelParityContract} without a GPU: the CUDA source in src/main/cuda, compiled as host
 * C++20 against a small emulation of the CUDA model (test resources, emulator/): each block's
 * threads are OS threads and {@code __syncthreads} is a barrier. The same {@link CudaKernels}
 * wrappers launch the kernels; device memory is a file per allocation. This checks the kernels'
 * indexing, reductions and conventions here; the GPU run checks the compiler, the driver and the
 * hardware. Blocks of 32 threads instead of 256 keep the thread count small; the kernels are written
 * for any power-of-two block. Skipped where g++ is not installed.
 */
class EmulatedKernelsTest extends KernelParityContract {
    private static final int EMULATED_THREADS = 32;
    private static Path work;
    private static Path emulator;
    private static String unavailable;

    @BeforeAll
    static void build() throws Exception {
        if (!PtxSourceTest.onPath("g++")) {
            unavailable = "g++ not installed: cannot build the kernel emulator (skipped)";
            return;
        }
        work = Files.createTempDirectory("basin-kernel-emulator");
        for (String f : List.of("cuda_emulation.h", "kernel_emulator.cpp")) {
            try (InputStream in = EmulatedKernelsTest.class.getResourceAsStream("/basin/kernels/cuda/emulator/" + f)) {
                Files.copy(in, work.resolve(f));
            }
        }
        emulator = work.resolve("kernel_emulator");
        PtxSourceTest.Result gpp = PtxSourceTest.run(List.of("g++", "-std=c++20", "-O1", "-pthread", "-ffp-contract=off",
                "-I", Paths.get("src/main/cuda").toAbsolutePath().toString(), "-include", work.resolve("cuda_emulation.h").toString(),
                "-o", emulator.toString(), work.resolve("kernel_emulator.cpp").toString()));
        assertEquals(0, gpp.status(), "building the kernel emulator:\n" + gpp.output());
    }

    @AfterAll
    static void clean() throws IOException {
        if (work == null) return;
        try (Stream<Path> files = Files.walk(work)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        }
    }

    /** A device address that names a file: the emulator's device memory. */
    private static final class FilePointer extends CUdeviceptr {
        final Path file;

        FilePointer(Path file) {
            this.file = file;
        }
    }

    /** Launches through the emulator binary, checking arguments against the PTX like the driver launcher. */
    private static final class EmulatorLauncher implements KernelLauncher {
        private final PtxModules ptx = PtxModules.load();

        @Override
        public void launch(String kernel, int blocks, int threadsPerBlock, int sharedBytes, Object... args) {
            ptx.checkArguments(kernel, args);
            List<String> command = new ArrayList<>(List.of(emulator.toString(), kernel, String.valueOf(blocks),
                    String.valueOf(Math.min(threadsPerBlock, EMULATED_THREADS))));
            for (Object a : args) {
                if (a instanceof FilePointer) command.add("p:" + ((FilePointer) a).file + ":0");
                else if (a instanceof Float) command.add("f:" + Integer.toHexString(Float.floatToRawIntBits((Float) a)));
                else if (a instanceof Long) command.add("l:" + a);
                else if (a instanceof Integer) command.add("i:" + a);
                else throw new IllegalArgumentException(kernel + ": cannot emulate an argument of type " + a.getClass());
            }
            try {
                PtxSourceTest.Result r = PtxSourceTest.run(command);
                assertEquals(0, r.status(), "emulated " + kernel + ":\n" + r.output());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    Device device() {
        assumeTrue(unavailable == null, unavailable);
        CudaKernels kernels = new CudaKernels(new EmulatorLauncher());
        return new Device() {
            private int count;

            @Override
            public CudaKernels kernels() {
                return kernels;
            }

            @Override
            public Pointer upload(float[] x) {
                ByteBuffer bytes = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(x);
                return write(bytes.array());
            }

            @Override
            public Pointer allocate(int floats) {
                return write(new byte[4 * floats]);
            }

            private Pointer write(byte[] bytes) {
                try {
                    Path file = Files.write(work.resolve("buffer-" + (count++)), bytes);
                    return new FilePointer(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public float[] download(Pointer p, int n) {
                try {
                    float[] out = new float[n];
                    ByteBuffer.wrap(Files.readAllBytes(((FilePointer) p).file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
                    return out;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    @Override
    int largestDropoutMask() {
        return 100_003;
    }

    @Test
    void theEmulatorRunsEveryKernelInThePtx() throws Exception {
        assumeTrue(unavailable == null, unavailable);
        PtxSourceTest.Result list = PtxSourceTest.run(List.of(emulator.toString(), "--list", "0", "0"));
        assertEquals(0, list.status(), list.output());
        Set<String> emulated = new TreeSet<>(list.output().lines().toList());
        assertEquals(new TreeSet<>(PtxModules.load().kernels().keySet()), emulated);
    }
}
