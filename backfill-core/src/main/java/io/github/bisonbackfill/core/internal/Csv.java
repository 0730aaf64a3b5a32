package io.github.bisonbackfill.core.internal;

import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 CSV: a cell holding a comma, a quote, CR or LF is quoted, quotes doubled; lines end in CRLF. */
public final class Csv {
    private Csv() {
    }

    /**
     * @param cells the cells ({@code null} is an empty cell)
     * @return one line, ending in CRLF
     */
    public static String line(List<@Nullable String> cells) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            String c = cells.get(i) == null ? "" : cells.get(i);
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
                b.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                b.append(c);
            }
        }
        return b.append("\r\n").toString();
    }

    /**
     * Parses CSV text into records (quoted cells may hold commas, quotes and line breaks); a blank
     * last line is not a record.
     *
     * @param text the text
     * @return the records
     * @throws IllegalArgumentException on an unterminated quoted cell
     */
    public static List<List<String>> parse(String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
                any = true;
            } else if (ch == ',') {
                record.add(cell.toString());
                cell.setLength(0);
                any = true;
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (any || cell.length() > 0) {
                    record.add(cell.toString());
                    out.add(record);
                }
                record = new ArrayList<>();
                cell.setLength(0);
                any = false;
            } else {
                cell.append(ch);
                any = true;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("CSV ends inside a quoted cell");
        }
        if (any || cell.length() > 0) {
            record.add(cell.toString());
            out.add(record);
        }
        return out;
    }
}
