package basin.experiments.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableTest {
    private static Table sharpness() {
        return new Table("Sharpness by optimiser", List.of("optimiser", "λmax"))
                .row(List.of("SGD | momentum", "20.50"))
                .row(List.of("Adam, β=0.9", "say \"big\""));
    }

    @Test
    void markdownIsABoldCaptionThenAPipeTableWithPipesEscaped() {
        assertEquals("""
                **Sharpness by optimiser**

                | optimiser | λmax |
                | --- | --- |
                | SGD \\| momentum | 20.50 |
                | Adam, β=0.9 | say "big" |
                """, sharpness().markdown());
    }

    @Test
    void csvQuotesFieldsWithCommasQuotesOrLineBreaksAsRfc4180Asks() {
        Table t = sharpness().row(List.of("two\nlines", "1"));
        assertEquals("optimiser,λmax\nSGD | momentum,20.50\n\"Adam, β=0.9\",\"say \"\"big\"\"\"\n\"two\nlines\",1\n", t.csv());
    }

    @Test
    void htmlEscapesCaptionHeadersAndCells() {
        String html = new Table("a <b> & c", List.of("<th>")).row(List.of("</td><script>x</script>")).html();
        assertTrue(html.contains("<caption>a &lt;b&gt; &amp; c</caption>"), html);
        assertTrue(html.contains("<th>&lt;th&gt;</th>"), html);
        assertTrue(html.contains("<td>&lt;/td&gt;&lt;script&gt;x&lt;/script&gt;</td>"), html);
        assertTrue(!html.contains("<script>"), html);
    }

    @Test
    void rowWithTheWrongNumberOfCellsIsRefusedNamingTheTable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sharpness().row(List.of("only one")));
        assertTrue(e.getMessage().contains("Sharpness by optimiser"), e.getMessage());
        assertTrue(e.getMessage().contains("1 cells for 2 columns"), e.getMessage());
    }

    @Test
    void numberUsesFixedDecimalsInTheRootLocaleAndADashForNaN() {
        assertEquals("0.125", Table.number(0.125, 3));
        assertEquals("-2.00", Table.number(-2, 2));
        assertEquals("1235", Table.number(1234.5678, 0));
        assertEquals("–", Table.number(Double.NaN, 2));
        assertEquals("∞", Table.number(Double.POSITIVE_INFINITY, 2));
    }

    @Test
    void rowsAreReadOnlyAndKeepTheirOrder() {
        Table t = sharpness();
        assertEquals(List.of("SGD | momentum", "20.50"), t.rows().get(0));
        assertThrows(UnsupportedOperationException.class, () -> t.rows().clear());
        assertEquals(List.of("optimiser", "λmax"), t.columns());
    }
}
