package basin.kernels.cuda;

import basin.kernels.Window2d;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every Java wrapper in {@link CudaKernels} against the parameter lists in the committed PTX,
 * without a GPU: a launcher that only checks what it is given stands in for the driver. A wrapper
 * passing an int where the kernel takes a long long, or forgetting a parameter, fails here. PTX
 * declares a pointer and a {@code long long} alike ({@code .u64}), so each argument is also checked
 * against the kernel's declaration in the CUDA source: a device pointer exactly where it declares a
 * pointer, a {@code Long} for {@code long long}, an {@code Integer} for {@code int}.
 */
class KernelLaunchContractTest {
    private static final Path CUDA_SOURCE = Paths.get("src/main/cuda");
    private static final Pattern KERNEL = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(([^)]*)\\)");

    /**
     * Each kernel's parameter types as its .cu file declares them ({@code const float*},
     * {@code long long}, ...); empty where the source is not beside the test (then only the PTX is checked).
     */
    private static final Map<String, List<String>> DECLARED = declaredParameterTypes();

    static Map<String, List<String>> declaredParameterTypes() {
        Map<String, List<String>> kernels = new TreeMap<>();
        if (!Files.isDirectory(CUDA_SOURCE)) return kernels;
        try (Stream<Path> files = Files.list(CUDA_SOURCE)) {
            for (Path cu : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".cu")).sorted()::iterator) {
                Matcher m = KERNEL.matcher(Files.readString(cu));
                while (m.find()) {
                    List<String> types = new ArrayList<>();
                    for (String parameter : m.group(2).split(",")) {
                        // Drop the name, then normalise spacing: "const float *x" and "const float* x" read "const float*".
                        String type = parameter.trim().replaceAll("\\w+$", "").replaceAll("\\s+", " ").replace(" *", "*").trim();
                        types.add(type);
                    }
                    kernels.put(m.group(1), types);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return kernels;
    }

    /** Whether {@code argument} is what a parameter declared as {@code type} in CUDA C takes. */
    static boolean fits(String type, Object argument) {
        if (type.endsWith("*")) return argument instanceof Pointer;
        switch (type) {
            case "long long": case "unsigned long long": return argument instanceof Long;
            case "int": case "unsigned": case "unsigned int": return argument instanceof Integer;
            case "float": return argument instanceof Float;
            case "double": return argument instanceof Double;
            default: return false;
        }
    }

    /** Checks each launch against the PTX, the CUDA source and the CUDA launch limits, and records the kernel's name. */
    private static final class CheckingLauncher implements KernelLauncher {
        final PtxModules ptx = PtxModules.load();
        final List<String> launched = new ArrayList<>();

        @Override
        public void launch(String kernel, int blocks, int threadsPerBlock, int sharedBytes, Object... args) {
            ptx.checkArguments(kernel, args);
            List<String> declared = DECLARED.get(kernel);
            if (!DECLARED.isEmpty()) {
                assertTrue(declared != null, kernel + " is in the PTX but not in " + CUDA_SOURCE + ": is the PTX stale?");
                for (int i = 0; i < args.length; i++) {
                    assertTrue(fits(declared.get(i), args[i]), kernel + " parameter " + i + " is declared " + declared.get(i)
                            + " in the CUDA source, given " + (args[i] == null ? "null" : args[i].getClass().getSimpleName()));
                }
            }
            assertTrue(blocks >= 1 && blocks <= Integer.MAX_VALUE, kernel + ": " + blocks + " blocks");
            assertTrue(threadsPerBlock >= 32 && threadsPerBlock <= 1024 && Integer.bitCount(threadsPerBlock) == 1,
                    kernel + ": block reductions need a power-of-two block of at most 1024 threads, got " + threadsPerBlock);
            assertTrue(sharedBytes >= 0 && sharedBytes <= 48 * 1024, kernel + ": " + sharedBytes + " bytes of shared memory");
            launched.add(kernel);
        }
    }

    private static Pointer p() {
        return new CUdeviceptr();
    }

    @Test
    void everyWrapperPassesWhatItsKernelDeclaresAndEveryKernelHasAWrapper() {
        CheckingLauncher launcher = new CheckingLauncher();
        CudaKernels k = new CudaKernels(launcher);
        k.add(p(), p(), p(), 7);
        k.sub(p(), p(), p(), 7);
        k.mul(p(), p(), p(), 7);
        k.scale(p(), 2f, p(), 7);
        k.axpy(2f, p(), p(), 7);
        k.relu(p(), p(), 7);
        k.positiveMask(p(), p(), 7);
        k.exp(p(), p(), 7);
        k.broadcastAdd(p(), p(), p(), 3, 5, 7);
        k.broadcastMul(p(), p(), p(), 3, 5, 7);
        k.expand(p(), p(), 3, 5, 7);
        k.sumToMid(p(), p(), 3, 5, 7, null);
        k.sumToMid(p(), p(), 128, 16, 1024, p());   // BatchNorm's per-channel sums: split over blocks
        k.dot(p(), p(), 1001, p(), p());
        k.sumSquares(p(), 1001, p(), p());
        k.logSoftmax(p(), p(), 3, 10);
        k.argmaxHits(p(), p(), p(), 3, 10);
        k.transpose(p(), p(), 2, 4, 3, 25);
        k.rsqrt(p(), p(), 7);
        Window2d w = new Window2d(2, 3, 9, 7, 3, 3, 2, 2, 1, 1);
        k.im2col(p(), p(), w);
        k.col2im(p(), p(), w);
        k.maxPool2d(p(), p(), p(), w);
        k.gather(p(), p(), p(), 6, 63, 20);
        k.scatterAdd(p(), p(), p(), 6, 63, 20);
        k.batchNormStats(p(), p(), p(), 4, 3, 25);
        k.batchNormNormalize(p(), p(), p(), p(), p(), 1e-5f, p(), 4, 3, 25);
        k.batchNormBackwardSums(p(), p(), p(), p(), 1e-5f, p(), p(), 4, 3, 25);
        k.batchNormBackwardInput(p(), p(), p(), p(), p(), 1e-5f, p(), p(), p(), 4, 3, 25);
        k.dropoutMask(p(), 7, 42L, 1677722L, 1.1111112f);

        Set<String> unlaunched = new TreeSet<>(launcher.ptx.kernels().keySet());
        unlaunched.removeAll(launcher.launched);
        assertEquals(Set.of(), unlaunched, "kernels in the PTX with no Java wrapper");
    }

    @Test
    void theCudaSourceDeclaresEveryKernelOfThePtxWithItsParameterCount() {
        assumeTrue(!DECLARED.isEmpty(), "the CUDA source is not at " + CUDA_SOURCE.toAbsolutePath() + " (skipped)");
        Map<String, Integer> inSource = new TreeMap<>(), inPtx = new TreeMap<>();
        DECLARED.forEach((name, types) -> inSource.put(name, types.size()));
        PtxModules.load().kernels().forEach((name, kernel) -> inPtx.put(name, kernel.params().size()));
        assertEquals(inSource, inPtx);
    }

    @Test
    void aPointerPassedWhereTheSourceDeclaresALengthIsRefusedThoughThePtxCannotTellThemApart() {
        assumeTrue(!DECLARED.isEmpty(), "the CUDA source is not at " + CUDA_SOURCE.toAbsolutePath() + " (skipped)");
        assertEquals(List.of("const float*", "const float*", "float*", "long long"), DECLARED.get("add_f32"));
        assertEquals(List.of("float*", "long long", "unsigned long long", "long long", "float"), DECLARED.get("dropout_mask_f32"));
        // add_f32(a, b, out, n) with out and n swapped: both .u64 in the PTX.
        PtxModules.load().checkArguments("add_f32", new Object[] {p(), p(), 7L, p()});
        AssertionError e = assertThrows(AssertionError.class, () -> new CheckingLauncher().launch("add_f32", 1, 256, 0, p(), p(), 7L, p()));
        assertTrue(e.getMessage().startsWith("add_f32 parameter 2 is declared float* in the CUDA source, given Long"), e.getMessage());
    }

    @Test
    void aLaunchWithTheWrongArgumentTypeIsRefusedWithTheKernelAndParameterNamed() {
        PtxModules ptx = PtxModules.load();
        // add_f32(const float*, const float*, float*, long long n): an Integer length is a bug.
        CudaException e = assertThrows(CudaException.class, () -> ptx.checkArguments("add_f32", new Object[] {p(), p(), p(), 7}));
        assertEquals("cuda: kernel add_f32 parameter 3 is .u64, given Integer", e.getMessage());
        e = assertThrows(CudaException.class, () -> ptx.checkArguments("add_f32", new Object[] {p(), p(), 7L}));
        assertEquals("cuda: kernel add_f32 takes 4 parameters, 3 given", e.getMessage());
    }

    @Test
    void everyModuleDeclaresItsKernelsWithCLinkage() {
        PtxModules ptx = PtxModules.load();
        for (String name : ptx.kernels().keySet()) {
            assertTrue(name.matches("[a-z0-9_]+"), "kernel name " + name + " looks C++-mangled: is extern \"C\" missing?");
        }
        assertTrue(ptx.kernels().size() >= 25, "kernels found: " + ptx.kernels().keySet());
    }

    @Test
    void emptyLaunchesAreSkippedRatherThanLaunchedWithZeroBlocks() {
        CheckingLauncher launcher = new CheckingLauncher();
        CudaKernels k = new CudaKernels(launcher);
        k.add(p(), p(), p(), 0);
        k.sumToMid(p(), p(), 3, 0, 7, null);
        k.logSoftmax(p(), p(), 0, 10);
        assertEquals(List.of(), launcher.launched);
    }

    @Test
    void fewLongSumsToMidAreSplitSoThatTheGridFillsTheGpu() {
        // ResNet-20's first BatchNorm at batch 128: 16 channels of 128·32·32 elements.
        assertEquals(64, CudaKernels.sumToMidParts(128, 16, 1024));
        assertEquals(8L * 16 * 64, CudaKernels.sumToMidScratchBytes(128, 16, 1024));
        // Enough m to fill the grid, or sums too short to share: one block per m, no scratch.
        assertEquals(1, CudaKernels.sumToMidParts(128, 2048, 1));
        assertEquals(1, CudaKernels.sumToMidParts(128, 10, 1));
        assertEquals(0, CudaKernels.sumToMidScratchBytes(128, 10, 1));
        CheckingLauncher launcher = new CheckingLauncher();
        new CudaKernels(launcher).sumToMid(p(), p(), 128, 16, 1024, p());
        assertEquals(List.of("sum_to_mid_partial_f64", "finish_sum_to_mid_f32"), launcher.launched);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CudaKernels(new CheckingLauncher()).sumToMid(p(), p(), 128, 16, 1024, null));
        assertEquals("sumToMid: [128, 16, 1024] needs 8192 bytes of partial sums, none given", e.getMessage());
    }

    @Test
    void shortReductionsGetSmallerBlocks() {
        assertEquals(32, CudaKernels.reductionThreads(1));
        assertEquals(32, CudaKernels.reductionThreads(10));
        assertEquals(64, CudaKernels.reductionThreads(33));
        assertEquals(CudaKernels.THREADS, CudaKernels.reductionThreads(1L << 40));
    }

    @Test
    void maxPoolRefusesAWindowLyingWhollyInThePaddingAndAcceptsLargePaddingOtherwise() {
        // 4×4 input, 2×2 window, stride 2, padding 2: the first and last windows cover padding only.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> basin.kernels.BackendChecks.requireNoWindowInPaddingOnly(new Window2d(1, 1, 4, 4, 2, 2, 2, 2, 2, 2)));
        assertTrue(e.getMessage().startsWith("maxPool2d: a window of [1, 1, 4, 4] kernel 2×2 stride 2×2 padding 2×2 lies wholly in the padding"),
                e.getMessage());
        // 5×5, 3×3 window, stride 3, padding 2: windows start at −2, 1, 4 and each holds an image row.
        basin.kernels.BackendChecks.requireNoWindowInPaddingOnly(new Window2d(1, 1, 5, 5, 3, 3, 3, 3, 2, 2));
        basin.kernels.BackendChecks.requireNoWindowInPaddingOnly(new Window2d(2, 3, 8, 8, 2, 2, 2, 2, 0, 0));
    }

    @Test
    void withLaunchesWaitedForAKernelThatFaultsIsNamedWithItsGrid() {
        CheckingLauncher queued = new CheckingLauncher();
        CudaKernels k = new CudaKernels(new WaitingLauncher(queued, () -> jcuda.driver.CUresult.CUDA_ERROR_ILLEGAL_ADDRESS));
        CudaException e = assertThrows(CudaException.class, () -> k.add(p(), p(), p(), 1000));
        assertEquals("cuda: kernel add_f32 (4 blocks × 256 threads), waited for after its launch failed: CUDA_ERROR_ILLEGAL_ADDRESS",
                e.getMessage());
        assertEquals(List.of("add_f32"), queued.launched, "queued first, then waited for");
    }

    @Test
    void theJitErrorLogIsGivenItsSizeSoThatTheDriverWritesIt() {
        jcuda.driver.JITOptions jit = DriverLauncher.errorLogOptions(4096);
        assertEquals(4096, jit.getInt(jcuda.driver.CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES));
        assertEquals(4096, jit.getBytes(jcuda.driver.CUjit_option.CU_JIT_ERROR_LOG_BUFFER).length);
    }

    @Test
    void theDriverLoadFailureIsReportedAsTheMissingLibrary() {
        String jcudaReport = "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                + "Stack trace from the attempt to load the library as a resource:\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: "
                + "cannot open shared object file: No such file or directory\n";
        assertEquals("no NVIDIA driver: libcuda.so.1 cannot be opened (JCuda's driver binding needs it)",
                CudaContext.nativeLoadReason(new UnsatisfiedLinkError(jcudaReport)));
    }
}
