package basin.experiments.report;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlotlyTest {
    @Test
    void bundledScriptMatchesItsPinnedHash() {
        String js = Plotly.script();
        assertTrue(js.contains("plotly.js v" + Plotly.VERSION), "the bundle's banner names another version");
        assertDoesNotThrow(() -> Plotly.verify(js.getBytes(StandardCharsets.UTF_8), Plotly.SHA384));
    }

    @Test
    void tamperedCopyFailsTheHashCheckNamingTheResourceAndBothHashes() {
        byte[] tampered = (Plotly.script() + "\nalert('swapped');").getBytes(StandardCharsets.UTF_8);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Plotly.verify(tampered, Plotly.SHA384));
        assertTrue(e.getMessage().contains(Plotly.RESOURCE), e.getMessage());
        assertTrue(e.getMessage().contains(Plotly.SHA384), e.getMessage());
        assertTrue(e.getMessage().contains(Plotly.sha384(tampered)), e.getMessage());
    }

    @Test
    void hashIsTheSubresourceIntegrityFormOfSha384() {
        // the SHA-384 of "abc" from FIPS 180-2, appendix D.1, in base64
        assertEquals("sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn",
                Plotly.sha384("abc".getBytes(StandardCharsets.US_ASCII)));
    }
}
