package basin.engine.data;

import java.util.SplittableRandom;

/**
 * Seeded random permutations that come out the same on every JDK.
 *
 * <p>The only thing taken from the JDK is {@link SplittableRandom#nextLong()}, which is SplitMix64
 * (Steele, Lea and Flood 2014): its output for a given seed is fixed by that algorithm, and a test
 * pins the reference value for seed 0. Bounded draws and the shuffle are written here rather than
 * borrowed from {@code nextInt(bound)} or {@code Collections.shuffle}, whose algorithms are not
 * part of their contracts.
 */
final class Shuffle {

    private Shuffle() {
    }

    /** A uniform draw from {0, …, bound − 1}: the classic rejection of the top partial block of 2⁶³. */
    static int below(SplittableRandom random, int bound) {
        if (bound <= 0) throw new IllegalArgumentException("shuffle: bound " + bound + " is not positive");
        long m = bound - 1L;
        long u = random.nextLong() >>> 1;
        long r = u % bound;
        // u − r is the start of r's block; when the block runs past 2⁶³ − 1 it is incomplete and biased.
        while (u - r + m < 0) {
            u = random.nextLong() >>> 1;
            r = u % bound;
        }
        return (int) r;
    }

    /** Fisher–Yates (Knuth, TAOCP vol. 2, Algorithm 3.4.2P) over {@code order}, in place. */
    static void permute(int[] order, SplittableRandom random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = below(random, i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
    }

    /** A uniformly random permutation of 0, …, n − 1. */
    static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        permute(order, random);
        return order;
    }
}
