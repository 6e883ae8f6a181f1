package basin.kernels.cpu.gemm;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

/** {@link PlainSgemm}, the plain-loop baseline, against the same float64 oracle as Sgemm. */
class PlainSgemmTest {

    static Stream<GemmProblem> oddShapes() {
        return SgemmTest.oddShapes();
    }

    static Stream<GemmProblem> mixedProblems() {
        return Stream.of(SgemmTest.transposes(), SgemmTest.zeroBetaOverNaN(),
                SgemmTest.halfBeta(), SgemmTest.paddedLayouts(), SgemmTest.parallelShapes())
                .flatMap(s -> s);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddShapes")
    void oddAndEdgeShapesMatchTheFloat64Product(GemmProblem p) {
        p.runPlain(1);
        p.assertMatchesOracle("plain sgemm");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mixedProblems")
    void transposesBetasLayoutsAndThreadsMatchTheFloat64Product(GemmProblem p) {
        p.runPlain(Sgemm.maxThreads());
        p.assertMatchesOracle("plain sgemm");
    }
}
