package basin.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each example's main runs and prints what its Javadoc promises. */
class ExamplesTest {

    @Test
    void firstHvpAgreesWithTheDifferenceOfGradients() {
        String out = run(() -> FirstHvp.main(new String[0]));
        assertEquals(39, (int) number(out, "parameters"), out);
        assertTrue(number(out, "relative error") < 1e-2, "float32 differences agree to ~1e-4; " + out);
    }

    @Test
    void customModelHasItsLayerAndAConvergedLambdaMax() {
        String out = run(() -> CustomModel.main(new String[0]));
        assertTrue(out.contains("2.weight"), "the scale layer's parameter is in the layout: " + out);
        assertTrue(number(out, "lambda_max") > 0, out);
        Matcher residual = Pattern.compile("residual ([0-9.e+-]+)").matcher(out);
        assertTrue(residual.find() && Double.parseDouble(residual.group(1)) < 1e-3 * number(out, "lambda_max"), out);
    }

    @Test
    void customProbeFindsTheChosenSmallestEigenvalue() {
        String out = run(() -> CustomProbe.main(new String[0]));
        assertEquals(-2, number(out, "lambda_min"), 1e-3, out);
    }

    private static double number(String out, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\s+([-0-9.e+]+)").matcher(out);
        assertTrue(m.find(), "no '" + label + "' line in\n" + out);
        return Double.parseDouble(m.group(1));
    }

    private static String run(Runnable main) {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            main.run();
        } finally {
            System.setOut(saved);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
