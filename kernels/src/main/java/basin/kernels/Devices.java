package basin.kernels;

import basin.kernels.cpu.CpuBackend;
import basin.kernels.cuda.CudaBackend;
import basin.kernels.cuda.CudaUnavailableException;

import java.util.Locale;

/**
 * Picks the backend a run uses: {@code cpu}, {@code cuda}, or {@code auto} (CUDA when a device and
 * its libraries load, else the CPU). The CUDA classes, and JCuda's native libraries behind them,
 * are touched only when CUDA is asked for or probed, and any failure to load them becomes a reason
 * for falling back, never a crash of a CPU run.
 */
public final class Devices {
    private Devices() {
    }

    /** The choices of {@code --device}. */
    public enum Choice {
        AUTO, CPU, CUDA;

        /** Parses {@code auto}, {@code cpu} or {@code cuda} (any case). */
        public static Choice parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--device must be auto, cpu or cuda, got '" + s + "'");
            }
        }
    }

    /** The backend picked and, in words, which one and why. */
    public record Selection(Backend backend, String reason) {
    }

    /**
     * The backend for {@code choice}.
     *
     * @throws IllegalStateException for {@code CUDA} when CUDA cannot be used, saying why
     */
    public static Selection select(Choice choice) {
        switch (choice) {
            case CPU:
                return new Selection(CpuBackend.get(), "cpu (asked for with --device cpu)");
            case CUDA:
                try {
                    CudaBackend cuda = CudaBackend.get();
                    return new Selection(cuda, cuda.name() + ": " + cuda.description());
                } catch (CudaUnavailableException | LinkageError e) {
                    throw new IllegalStateException("--device cuda: CUDA cannot be used: " + reason(e), e);
                }
            case AUTO:
            default:
                try {
                    CudaBackend cuda = CudaBackend.get();
                    return new Selection(cuda, cuda.name() + " (auto: " + cuda.description() + ")");
                } catch (CudaUnavailableException | LinkageError e) {
                    return new Selection(CpuBackend.get(), "cpu (auto: CUDA cannot be used: " + reason(e) + ")");
                }
        }
    }

    private static String reason(Throwable e) {
        return e instanceof CudaUnavailableException ? e.getMessage() : "JCuda did not load: " + e;
    }
}
