package basin.experiments.report;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.probe.curvature.Lanczos;
import basin.engine.probe.curvature.LinearOperator;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The convergence pictures: the Ritz history a study rebuilds from α and β is the one Lanczos saw step by step. */
class ConvergencePlotsTest {

    /** diag(1, 2, …, 30): a spectrum we chose. */
    private static LinearOperator diagonal(int n) {
        Backend cpu = CpuBackend.get();
        return new LinearOperator() {
            @Override
            public ParamLayout layout() {
                return ParamLayout.vector(n);
            }

            @Override
            public Backend backend() {
                return cpu;
            }

            @Override
            public void apply(ParamVector v, ParamVector out) {
                float[] x = v.toHost();
                for (int i = 0; i < n; i++) x[i] *= i + 1;
                out.copyFrom(ParamVector.fromHost(cpu, layout(), x));
            }
        };
    }

    @Test
    void ritzHistoryFromAlphaAndBetaIsWhatTheListenerSawAtEveryStep() {
        List<double[]> seen = new ArrayList<>();
        Lanczos.Result r = Lanczos.run(diagonal(30), 12, new SplittableRandom(7), (j, alpha, beta, ritz) -> seen.add(ritz.clone()));
        List<double[]> rebuilt = ConvergencePlots.ritzHistory(r.alpha(), r.beta());
        assertEquals(seen.size(), rebuilt.size());
        for (int j = 0; j < seen.size(); j++) assertArrayEquals(seen.get(j), rebuilt.get(j), 1e-12, "T_" + (j + 1));
        assertArrayEquals(r.ritzValues(), rebuilt.get(rebuilt.size() - 1), 1e-12);
    }

    @Test
    void bothPicturesAreWritten(@TempDir Path dir) throws IOException {
        Lanczos.Result r = Lanczos.run(diagonal(30), 10, new SplittableRandom(1), null);
        RunFolder folder = new RunFolder(dir);
        ConvergencePlots.ritzValues(folder, ConvergencePlots.ritzHistory(r.alpha(), r.beta()), "Ritz values");
        ConvergencePlots.hutchinson(folder, List.of(new double[]{1, 2, 2, Double.NaN}, new double[]{2, 4, 3, 1}), 3.5, "Hutchinson");
        for (String name : new String[]{"lanczos-ritz-values.png", "hutchinson-running-mean.png"}) assertTrue(Files.size(dir.resolve(name)) > 1000, name);
    }

    @Test
    void aMismatchedTridiagonalIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvergencePlots.ritzHistory(new double[]{1, 2}, new double[]{0.5, 0.5}));
        assertTrue(e.getMessage().contains("2 α and 2 β"), e.getMessage());
    }
}
