package basin.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CounterRngTest {

    /** Random123's published known-answer vectors for Philox4x32-10 (its tests/kat_vectors). */
    @Test
    void philoxMatchesTheRandom123KnownAnswers() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                CounterRng.philox4x32(0, 0, 0, 0, 0, 0));
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                CounterRng.philox4x32(-1, -1, -1, -1, -1, -1));
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                CounterRng.philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
    }

    @Test
    void uniformTakesTheTop24BitsOfTheWordForItsIndex() {
        int[] block = CounterRng.philox4x32(1, 0, 0, 0, 7, 0);   // elements 4..7 of seed 7
        for (int word = 0; word < 4; word++) {
            assertEquals((block[word] >>> 8) / 16777216.0f, CounterRng.uniform(7, 4 + word), "element " + (4 + word));
        }
    }

    @Test
    void dropoutMaskKeepsAboutKeepOfTheElementsAndScalesThemByItsInverse() {
        float keep = 0.8f;
        float[] mask = new float[100_003];
        CounterRng.dropoutMask(42, keep, mask);
        int kept = 0;
        for (float m : mask) {
            assertTrue(m == 0f || m == 1f / keep, "mask values are 0 or 1/keep, got " + m);
            if (m != 0f) kept++;
        }
        // Binomial(n, 0.8): the standard deviation of the kept fraction is √(0.16/n) ≈ 0.0013; allow 5σ.
        assertEquals(keep, kept / (double) mask.length, 5 * Math.sqrt(keep * (1 - keep) / mask.length));
    }

    @Test
    void differentSeedsGiveDifferentMasks() {
        float[] a = new float[1000], b = new float[1000];
        CounterRng.dropoutMask(1, 0.5f, a);
        CounterRng.dropoutMask(2, 0.5f, b);
        int same = 0;
        for (int i = 0; i < a.length; i++) if (a[i] == b[i]) same++;
        // Independent masks agree on about half the elements; identical ones on all 1000.
        assertTrue(same < 600, "masks of seeds 1 and 2 agree on " + same + " of 1000 elements");
    }
}
