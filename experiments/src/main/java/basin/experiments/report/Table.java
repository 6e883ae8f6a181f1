package basin.experiments.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A captioned table of text cells, laid out as the studies' seed reports lay them out, and written
 * as Markdown, CSV or HTML from the same rows so the three never disagree.
 */
public final class Table {
    private final String caption;
    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();

    /** A table with a caption and column headers; rows are added with {@link #row}. */
    public Table(String caption, List<String> columns) {
        if (columns == null || columns.isEmpty()) throw new IllegalArgumentException("table " + caption + ": no columns");
        this.caption = caption;
        this.columns = List.copyOf(columns);
    }

    /** Appends a row; it must have one cell per column. */
    public Table row(List<String> cells) {
        if (cells.size() != columns.size()) {
            throw new IllegalArgumentException("table " + caption + ": row " + (rows.size() + 1) + " has " + cells.size()
                    + " cells for " + columns.size() + " columns " + columns);
        }
        rows.add(Collections.unmodifiableList(new ArrayList<>(cells)));
        return this;
    }

    /** The caption. */
    public String caption() {
        return caption;
    }

    /** The column headers, in order. */
    public List<String> columns() {
        return columns;
    }

    /** The rows added so far, each a list of cells (read-only). */
    public List<List<String>> rows() {
        return Collections.unmodifiableList(rows);
    }

    /** {@code **caption**}, a blank line, then a GitHub pipe table; {@code |} in a cell becomes {@code \|}. */
    public String markdown() {
        StringBuilder b = new StringBuilder("**").append(oneLine(caption)).append("**\n\n");
        markdownRow(b, columns);
        b.append('|');
        for (int c = 0; c < columns.size(); c++) b.append(" --- |");
        b.append('\n');
        for (List<String> r : rows) markdownRow(b, r);
        return b.toString();
    }

    /** A header line and one line per row, each field quoted as RFC 4180 asks when it holds , " or a line break. */
    public String csv() {
        StringBuilder b = new StringBuilder();
        csvRow(b, columns);
        for (List<String> r : rows) csvRow(b, r);
        return b.toString();
    }

    /** An HTML {@code <table>} with its {@code <caption>}, every cell escaped. */
    public String html() {
        StringBuilder b = new StringBuilder("<table>\n<caption>").append(ReportPage.escapeHtml(caption)).append("</caption>\n<thead><tr>");
        for (String c : columns) b.append("<th>").append(ReportPage.escapeHtml(c)).append("</th>");
        b.append("</tr></thead>\n<tbody>\n");
        for (List<String> r : rows) {
            b.append("<tr>");
            for (String cell : r) b.append("<td>").append(ReportPage.escapeHtml(cell)).append("</td>");
            b.append("</tr>\n");
        }
        return b.append("</tbody>\n</table>\n").toString();
    }

    /** v with a fixed number of decimals in Locale.ROOT ("0.125", never "0,125"); "–" for NaN, "∞"/"-∞" for infinities. */
    public static String number(double v, int decimals) {
        if (Double.isNaN(v)) return "–";
        if (Double.isInfinite(v)) return v > 0 ? "∞" : "-∞";
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static void markdownRow(StringBuilder b, List<String> cells) {
        b.append('|');
        for (String cell : cells) b.append(' ').append(oneLine(cell).replace("|", "\\|")).append(" |");
        b.append('\n');
    }

    /** A line break would end the Markdown row early. */
    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\R", " ");
    }

    private static void csvRow(StringBuilder b, List<String> cells) {
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) b.append(',');
            String cell = cells.get(c) == null ? "" : cells.get(c);
            boolean quote = cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0;
            b.append(quote ? '"' + cell.replace("\"", "\"\"") + '"' : cell);
        }
        b.append('\n');
    }
}
