package basin.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchesTest {

    private static final long SEED = 1234L;
    private static final int COUNT = 103; // prime, so no batch size below it divides it
    private static final int BATCH = 10;

    /** Example i has every pixel equal to i and label i mod 7, so a batch shows which examples it holds. */
    private final Dataset data;

    BatchesTest() {
        float[] images = new float[COUNT * 2 * 3];
        int[] labels = new int[COUNT];
        for (int i = 0; i < COUNT; i++) {
            Arrays.fill(images, i * 6, i * 6 + 6, i);
            labels[i] = i % 7;
        }
        data = new Dataset("numbered", images, labels, 1, 2, 3, 7);
    }

    @Test
    void splitMixSixtyFourGivesItsPublishedFirstOutputForSeedZero() {
        // SplitMix64's reference output for state 0 (Vigna, splitmix64.c); the shuffles rest on it.
        assertEquals(0xE220A8397B1DCDAFL, new SplittableRandom(0).nextLong());
    }

    @Test
    void eachEpochOrderIsAPermutationOfAllExamples() {
        Batches batches = new Batches(data, BATCH, Batches.LastBatch.KEEP, SEED);
        for (int epoch = 0; epoch < 3; epoch++, batches.shuffle()) {
            int[] sorted = batches.order();
            Arrays.sort(sorted);
            for (int i = 0; i < COUNT; i++) assertEquals(i, sorted[i], "epoch " + epoch + ", seed " + SEED);
        }
    }

    @Test
    void sameSeedGivesTheSameOrdersEpochAfterEpoch() {
        Batches first = new Batches(data, BATCH, Batches.LastBatch.KEEP, SEED);
        Batches second = new Batches(data, BATCH, Batches.LastBatch.KEEP, SEED);
        for (int epoch = 0; epoch < 3; epoch++, first.shuffle(), second.shuffle()) {
            assertArrayEquals(first.order(), second.order(), "epoch " + epoch + ", seed " + SEED);
        }
    }

    @Test
    void differentSeedsAndDifferentEpochsGiveDifferentOrders() {
        Batches batches = new Batches(data, BATCH, Batches.LastBatch.KEEP, SEED);
        Batches other = new Batches(data, BATCH, Batches.LastBatch.KEEP, SEED + 1);
        int[] epochZero = batches.order();
        batches.shuffle();

        assertFalse(Arrays.equals(epochZero, other.order()), "seeds " + SEED + " and " + (SEED + 1));
        assertFalse(Arrays.equals(epochZero, batches.order()), "epochs 0 and 1 of seed " + SEED);
    }

    @Test
    void keptLastBatchIsShortAndDroppedLastBatchIsGone() {
        Batches kept = new Batches(data, BATCH, Batches.LastBatch.KEEP, SEED);
        Batches dropped = new Batches(data, BATCH, Batches.LastBatch.DROP, SEED);

        assertEquals(11, kept.count());
        assertEquals(3, kept.size(10));
        assertEquals(10, dropped.count());
        assertEquals(BATCH, dropped.size(9));
        assertThrows(IndexOutOfBoundsException.class, () -> dropped.size(10));
    }

    @Test
    void copiedBatchHoldsTheImagesAndLabelsOfItsPositionsInTheOrder() {
        Batches batches = new Batches(data, BATCH, Batches.LastBatch.KEEP, SEED);
        batches.shuffle();
        float[] images = new float[BATCH * 6];
        int[] labels = new int[BATCH];
        int[] visits = new int[COUNT];

        for (int b = 0; b < batches.count(); b++) {
            int size = batches.copy(b, images, labels);
            for (int k = 0; k < size; k++) {
                int example = batches.exampleAt(b * BATCH + k);
                visits[example]++;
                assertEquals(example % 7, labels[k], "batch " + b + " row " + k);
                for (int p = 0; p < 6; p++) assertEquals(example, images[k * 6 + p], "batch " + b + " row " + k);
            }
        }
        for (int i = 0; i < COUNT; i++) assertEquals(1, visits[i], "example " + i + " in one epoch, seed " + SEED);
    }

    @Test
    void copyIntoArraysTooShortForTheBatchIsRejected() {
        Batches batches = new Batches(data, BATCH, Batches.LastBatch.KEEP, SEED);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> batches.copy(0, new float[59], new int[BATCH]));
        assertTrue(e.getMessage().contains("needs 10 × 6 image floats and 10 labels, but the arrays hold 59 and 10"),
                e.getMessage());
    }

    @Test
    void droppingTheOnlyPartialBatchIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Batches(data, 200, Batches.LastBatch.DROP, SEED));
        assertTrue(e.getMessage().contains("103 examples, fewer than one batch of 200"), e.getMessage());
    }

    @Test
    void oneHotRowsHaveASingleOneAtTheLabel() {
        int[] labels = {3, 0, 6, 3};
        float[] targets = new float[5 * 7];
        Arrays.fill(targets, -1f);

        Batches.oneHot(labels, 4, 7, targets);

        for (int k = 0; k < 4; k++) {
            for (int c = 0; c < 7; c++) {
                assertEquals(c == labels[k] ? 1f : 0f, targets[k * 7 + c], "row " + k + " column " + c);
            }
        }
        assertEquals(-1f, targets[4 * 7], "past the rows asked for is left alone");
    }

    @Test
    void oneHotRejectsALabelOutsideTheClasses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Batches.oneHot(new int[] {1, 7}, 2, 7, new float[14]));
        assertTrue(e.getMessage().contains("label 7 of row 1 is outside [0, 7)"), e.getMessage());
    }

    @Test
    void shuffleMakesEveryOrderOfThreeEquallyLikely() {
        // 60 000 shuffles of three items into the 6 orders: chi-squared with 5 degrees of freedom
        // exceeds 20.52 with probability 0.001. A biased swap (e.g. j drawn from all n) fails this.
        SplittableRandom random = new SplittableRandom(SEED);
        int[] orders = new int[6];
        int shuffles = 60_000;
        for (int s = 0; s < shuffles; s++) {
            int[] order = Shuffle.permutation(3, random);
            int code = order[0] * 2 + (order[1] > order[2] ? 1 : 0);
            orders[code]++;
        }
        double chiSquared = 0;
        for (int seen : orders) chiSquared += Math.pow(seen - shuffles / 6.0, 2) / (shuffles / 6.0);
        assertTrue(chiSquared < 20.52, "chi-squared " + chiSquared + " for seed " + SEED + ": " + Arrays.toString(orders));
    }

    @Test
    void boundedDrawsAreUniformWithinChiSquaredLimits() {
        // 70 000 draws into 7 cells: chi-squared with 6 degrees of freedom exceeds 22.46 with probability 0.001.
        SplittableRandom random = new SplittableRandom(SEED);
        int[] cells = new int[7];
        int draws = 70_000;
        for (int i = 0; i < draws; i++) cells[Shuffle.below(random, 7)]++;
        double chiSquared = 0;
        for (int cell : cells) chiSquared += Math.pow(cell - draws / 7.0, 2) / (draws / 7.0);
        assertTrue(chiSquared < 22.46, "chi-squared " + chiSquared + " for seed " + SEED + ": " + Arrays.toString(cells));
    }
}
