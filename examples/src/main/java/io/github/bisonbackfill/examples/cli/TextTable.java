package io.github.bisonbackfill.examples.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table for the console: columns padded to their widest cell, numbers right-aligned.
 * Not thread-safe. (Files are written by their own types: KPI CSV by {@code KpiReport}.)
 */
public final class TextTable {
    private final List<String> header;
    private final boolean[] numeric;
    private final List<List<String>> rows = new ArrayList<>();

    /**
     * @param header column titles; a title starting with {@code >} is right-aligned (the {@code >} is dropped)
     */
    public TextTable(String... header) {
        this.numeric = new boolean[header.length];
        List<String> h = new ArrayList<>();
        for (int i = 0; i < header.length; i++) {
            numeric[i] = header[i].startsWith(">");
            h.add(numeric[i] ? header[i].substring(1) : header[i]);
        }
        this.header = List.copyOf(h);
    }

    /**
     * @param cells one value per column ({@code null} shows as {@code -})
     * @return this table
     * @throws IllegalArgumentException if the number of cells is not the number of columns
     */
    public TextTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "-" : c.toString()).toList());
        return this;
    }

    /** @return the rows added so far */
    public List<List<String>> rows() {
        return List.copyOf(rows);
    }

    /** @return the column titles */
    public List<String> header() {
        return header;
    }

    /**
     * Prints the table with a header line and a rule.
     *
     * @param out where to print
     */
    public void print(PrintStream out) {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
            for (List<String> r : rows) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        out.println(line(header, w));
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            rule.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
        }
        out.println(rule);
        rows.forEach(r -> out.println(line(r, w)));
    }

    private String line(List<String> cells, int[] w) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            String c = cells.get(i);
            String pad = " ".repeat(w[i] - c.length());
            b.append(i == 0 ? "" : "  ").append(numeric[i] ? pad + c : (i == w.length - 1 ? c : c + pad));
        }
        return b.toString();
    }
}
