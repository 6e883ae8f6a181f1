package basin.engine.nn;

import basin.engine.nn.CnnProblem.Piece;
import basin.engine.oracle.Compare;
import basin.engine.oracle.OracleLayers;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

/**
 * torchvision's BasicBlock against the oracle: a projection block (stride 2, wider) followed by an
 * identity block, on odd image sizes, in train mode (batch statistics) and in eval mode (running
 * statistics 0 and 1). Tolerances as in {@link ConvOracleTest}.
 */
class BasicBlockOracleTest {

    private static CnnProblem blocks(long seed, boolean train) {
        SplittableRandom rng = new SplittableRandom(seed);
        int c0 = 2 + rng.nextInt(2), c1 = 3 + rng.nextInt(2), h = 5 + 2 * rng.nextInt(2), w = 5 + rng.nextInt(2);
        int oh = (h - 1) / 2 + 1, ow = (w - 1) / 2 + 1;
        List<Piece> net = List.of(
                new Piece(BasicBlock.of(c0, c1, 2), OracleLayers.basicBlock(c0, c1, 2, train, 1e-5)),
                new Piece(BasicBlock.of(c1, c1, 1), OracleLayers.basicBlock(c1, c1, 1, train, 1e-5)),
                ConvOracleTest.flatten(), ConvOracleTest.linear(c1 * oh * ow, 3));
        return new CnnProblem(rng.nextLong(), 3, new int[] {c0, h, w}, net);
    }

    private static void check(long seed, boolean train) {
        CnnProblem p = blocks(seed, train);
        Mode mode = train ? Mode.BATCH_STATISTICS : Mode.EVAL;
        p.assertGradientMatchesOracle(mode, 1e-4);
        p.assertHvpMatchesOracle(mode, 2e-4);
    }

    @Test
    void projectionAndIdentityBlocksMatchOracleWithBatchStatistics() {
        check(Compare.seed(), true);
    }

    @Test
    void projectionAndIdentityBlocksMatchOracleWithRunningStatistics() {
        check(Compare.seed(), false);
    }
}
