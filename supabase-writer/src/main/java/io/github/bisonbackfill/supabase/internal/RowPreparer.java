package io.github.bisonbackfill.supabase.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bisonbackfill.supabase.DuplicateRule;
import io.github.bisonbackfill.supabase.PostgrestError;
import io.github.bisonbackfill.supabase.RejectedRow;
import org.jspecify.annotations.Nullable;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns the caller's rows into batches: converts them to maps, drops within-call duplicates of the
 * conflict key, groups rows by their set of keys and cuts each group into batches by row count and
 * bytes.
 */
public final class RowPreparer {
    private static final TypeReference<LinkedHashMap<String, @Nullable Object>> MAP = new TypeReference<>() { };

    /**
     * The rows of one call, ready to send.
     *
     * @param batches           batches; every row of a batch has the same keys, listed in {@code columns}
     * @param duplicatesDropped rows dropped by the duplicate rule
     * @param rejected          rows refused before sending
     */
    public record Prepared(List<Batch> batches, int duplicatesDropped, List<RejectedRow> rejected) {
        /** Rows that will be sent. */
        public long rowCount() {
            return batches.stream().mapToLong(b -> b.rows().size()).sum();
        }
    }

    /**
     * Rows sent in one request.
     *
     * @param columns the keys every row has (sorted), sent as {@code columns=}
     * @param rows    the rows
     */
    public record Batch(List<String> columns, List<EncodedRow> rows) {
        /** The same columns with fewer rows. */
        public Batch withRows(List<EncodedRow> subset) {
            return new Batch(columns, subset);
        }
    }

    private final ObjectMapper mapper;

    /** @param mapper the mapper used to convert rows to JSON */
    public RowPreparer(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Prepares the rows of one call.
     *
     * @param rows         the caller's rows (maps or Jackson-serialisable objects)
     * @param conflictKey  the {@code on_conflict} columns; empty for a plain insert (no deduplication)
     * @param rule         the duplicate rule (ignored for an insert)
     * @param batchSize    maximum rows per batch
     * @param maxBatchBytes maximum JSON bytes per batch (a single larger row goes alone)
     * @return the batches, the duplicates dropped and rows refused locally
     * @throws IllegalArgumentException when a row is null, not a JSON object or has no columns
     */
    public Prepared prepare(Collection<?> rows, List<String> conflictKey, DuplicateRule rule, int batchSize,
                            long maxBatchBytes) {
        List<RejectedRow> rejected = new ArrayList<>();
        int dropped = 0;
        Map<Object, Map<String, @Nullable Object>> kept = new LinkedHashMap<>();
        int index = 0;
        for (Object row : rows) {
            Map<String, @Nullable Object> map = toMap(row, index);
            if (conflictKey.isEmpty()) {
                kept.put(index, map);
            } else {
                List<Object> key = key(map, conflictKey);
                if (key == null) {
                    rejected.add(new RejectedRow(Collections.unmodifiableMap(map), nullKeyError(map, conflictKey)));
                } else {
                    Map<String, @Nullable Object> earlier = kept.get(key);
                    if (earlier == null) {
                        kept.put(key, map);
                    } else {
                        Map<String, @Nullable Object> chosen = rule.choose(earlier, map);
                        if (chosen == null || !key.equals(key(chosen, conflictKey))) {
                            throw new IllegalStateException("the duplicate rule must return a row with the same conflict key "
                                    + conflictKey + " = " + key + ", got " + (chosen == null ? "null" : key(chosen, conflictKey)));
                        }
                        kept.put(key, chosen);
                        dropped++;
                    }
                }
            }
            index++;
        }
        Map<List<String>, List<Map<String, @Nullable Object>>> grouped = new LinkedHashMap<>();
        for (Map<String, @Nullable Object> map : kept.values()) {
            grouped.computeIfAbsent(List.copyOf(new TreeSet<>(map.keySet())), c -> new ArrayList<>()).add(map);
        }
        Map<List<String>, List<EncodedRow>> groups = new LinkedHashMap<>();
        grouped.forEach((columns, maps) -> {
            if (!conflictKey.isEmpty()) {
                // Concurrent upserts of overlapping keys deadlock (40P01) when they lock rows in different
                // orders; sending every call's rows in one order (by key) avoids that.
                maps.sort(Comparator.comparing(m -> sortKey(m, conflictKey)));
            }
            List<EncodedRow> encoded = new ArrayList<>(maps.size());
            maps.forEach(m -> encoded.add(encode(m)));
            groups.put(columns, encoded);
        });
        List<Batch> batches = new ArrayList<>();
        groups.forEach((columns, group) -> {
            List<EncodedRow> current = new ArrayList<>();
            long bytes = 2;
            for (EncodedRow row : group) {
                long size = row.json().length + 1L;
                if (!current.isEmpty() && (current.size() >= batchSize || bytes + size > maxBatchBytes)) {
                    batches.add(new Batch(columns, List.copyOf(current)));
                    current.clear();
                    bytes = 2;
                }
                current.add(row);
                bytes += size;
            }
            if (!current.isEmpty()) {
                batches.add(new Batch(columns, List.copyOf(current)));
            }
        });
        return new Prepared(batches, dropped, rejected);
    }

    private Map<String, @Nullable Object> toMap(@Nullable Object row, int index) {
        if (row == null) {
            throw new IllegalArgumentException("row " + index + " is null");
        }
        Map<String, @Nullable Object> map;
        try {
            map = mapper.convertValue(row, MAP);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("row " + index + " (" + row.getClass().getName()
                    + ") cannot be written as a JSON object: " + e.getMessage(), e);
        }
        if (map == null || map.isEmpty()) {
            throw new IllegalArgumentException("row " + index + " (" + row.getClass().getName() + ") has no columns");
        }
        for (String column : map.keySet()) {
            if (column == null || column.isBlank()) {
                throw new IllegalArgumentException("row " + index + " has a blank column name");
            }
        }
        return map;
    }

    private EncodedRow encode(Map<String, @Nullable Object> map) {
        try {
            return new EncodedRow(Collections.unmodifiableMap(map), mapper.writeValueAsBytes(map));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("row cannot be serialised to JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The conflict key of a row, with numbers normalised (1, 1L and 1.0 are one key); null if a part is missing. */
    private static @Nullable List<Object> key(Map<String, @Nullable Object> row, List<String> conflictKey) {
        List<Object> key = new ArrayList<>(conflictKey.size());
        for (String column : conflictKey) {
            Object v = row.get(column);
            if (v == null) {
                return null;
            }
            key.add(v instanceof Number n ? normalise(n) : v);
        }
        return key;
    }

    private static String sortKey(Map<String, @Nullable Object> row, List<String> conflictKey) {
        StringBuilder sb = new StringBuilder();
        for (Object part : key(row, conflictKey)) {
            sb.append(part instanceof BigDecimal d ? d.toPlainString() : String.valueOf(part)).append('\u0000');
        }
        return sb.toString();
    }

    private static Object normalise(Number n) {
        try {
            return new BigDecimal(n.toString()).stripTrailingZeros();
        } catch (NumberFormatException nanOrInfinity) {
            return n.toString();
        }
    }

    private static PostgrestError nullKeyError(Map<String, @Nullable Object> row, List<String> conflictKey) {
        List<String> missing = conflictKey.stream().filter(c -> row.get(c) == null).toList();
        // SQLSTATE 23502 (not_null_violation), status 0: decided here, never sent.
        return new PostgrestError(0, "23502", "conflict column(s) " + missing + " null or missing: row not sent",
                null, "a NULL key never matches a stored row, so the row would be inserted again on every run");
    }
}
