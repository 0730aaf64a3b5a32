package io.github.bisonbackfill.supabase.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bisonbackfill.supabase.PostgrestError;
import io.github.bisonbackfill.supabase.SupabaseAuthException;
import io.github.bisonbackfill.supabase.SupabaseNotFoundException;
import io.github.bisonbackfill.supabase.SupabaseServiceException;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.util.Set;

/** Reads PostgREST error bodies and turns them into the module's exceptions with actionable messages. */
public final class Errors {
    private static final int MAX_EXCERPT = 300;
    private static final Set<String> CONNECTION_CODES = Set.of("PGRST000", "PGRST001", "PGRST002", "PGRST003");

    private Errors() {
    }

    /**
     * Parses {@code {"code","message","details","hint"}}; a body that is not such an object (a
     * gateway's HTML page, {@code {}} from a PostgREST 12 404, an empty HEAD answer) keeps its excerpt
     * as the message.
     */
    public static PostgrestError parse(ObjectMapper mapper, RestResponse response) {
        String text = response.bodyText();
        if (!text.isBlank()) {
            try {
                JsonNode node = mapper.readTree(text);
                if (node != null && node.isObject() && (node.has("code") || node.has("message"))) {
                    return new PostgrestError(response.status(), field(node, "code"), field(node, "message"),
                            field(node, "details"), field(node, "hint"));
                }
            } catch (IOException notJson) {
                // fall through: keep an excerpt of whatever the gateway sent
            }
        }
        return new PostgrestError(response.status(), null, text.isBlank() ? null : excerpt(text), null, null);
    }

    private static @Nullable String field(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        return v.isTextual() ? v.asText() : v.toString();
    }

    static String excerpt(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= MAX_EXCERPT ? oneLine : oneLine.substring(0, MAX_EXCERPT) + "...";
    }

    /** Whether PostgREST says it could not reach or get a connection to the database. */
    public static boolean connectionCode(PostgrestError error) {
        return error.code() != null && CONNECTION_CODES.contains(error.code());
    }

    /**
     * SQLSTATEs of class 22 that are not about a row's data but about the call's configuration:
     * {@code 22023} invalid_parameter_value, which PostgREST answers when the key's role does not exist
     * ({@code role "..." does not exist}) or a setting it applies is invalid.
     */
    private static final Set<String> NOT_ROW_DATA = Set.of("22023");

    /**
     * Whether the error concerns the data of some row (so bisecting the batch isolates it): data
     * exceptions ({@code 22xxx}, except {@link #NOT_ROW_DATA}), integrity violations ({@code 23xxx}),
     * the same key twice in a statement ({@code 21000}) and exceptions raised by triggers
     * ({@code P0001}). Anything else (role, permission, schema, configuration, server) is a fault of
     * the call: it fails the call at once, without bisecting.
     */
    public static boolean rowLevel(PostgrestError error) {
        String code = error.code();
        if (code == null || (error.status() != 400 && error.status() != 409 && error.status() != 422
                && error.status() != 500)) {
            return false;
        }
        if (NOT_ROW_DATA.contains(code)) {
            return false;
        }
        return code.startsWith("22") || code.startsWith("23") || code.equals("21000") || code.equals("P0001");
    }

    /**
     * Whether the errors that rejected rows name no row's data and are all the same: then they are
     * one fault of the call (configuration, a trigger refusing everything), not of the rows. Two or
     * more rejections, one code and message, no {@code details} (a constraint violation's details
     * name the row: {@code Key (...)=(...)}, {@code Failing row contains ...}).
     *
     * @param errors the errors of the rows the server rejected in a call that acknowledged none
     * @return {@code true} when they are better reported as one failure of the call
     */
    public static boolean sameFaultOfTheCall(java.util.List<PostgrestError> errors) {
        if (errors.size() < 2) {
            return false;
        }
        PostgrestError first = errors.get(0);
        if (first.code() == null) {
            return false; // a local or size refusal (413), not a server's verdict on the data
        }
        for (PostgrestError e : errors) {
            if (e.details() != null || !java.util.Objects.equals(e.code(), first.code())
                    || !java.util.Objects.equals(e.message(), first.message())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a 5xx answer marks a transient failure, so the same idempotent request may succeed when
     * sent again: any 5xx but 501 and 505 that carries no PostgreSQL error (a gateway's or proxy's
     * page, {@code {"message": ...}} alone), PostgREST's connection codes ({@code PGRST000-003}), and
     * PostgreSQL's connection ({@code 08xxx}), insufficient-resources ({@code 53xxx}, e.g. too many
     * connections), operator-intervention ({@code 57P0x}: shutdown, cannot connect now) and
     * system-error ({@code 58xxx}) classes. Not transient: a statement timeout ({@code 57014}, split
     * instead), row data ({@link #rowLevel}) and every other SQL error, which would fail again.
     */
    public static boolean transientServerError(PostgrestError error) {
        int status = error.status();
        if (status < 500 || status > 599 || status == 501 || status == 505) {
            return false;
        }
        String code = error.code();
        if (code == null || code.isBlank()) {
            return true;
        }
        return connectionCode(error) || code.startsWith("08") || code.startsWith("53") || code.startsWith("57P")
                || code.startsWith("58");
    }

    /** Deadlock ({@code 40P01}) or serialization failure ({@code 40001}): PostgreSQL rolled the transaction back. */
    public static boolean rolledBackByConcurrency(PostgrestError error) {
        return "40P01".equals(error.code()) || "40001".equals(error.code());
    }

    /** Whether a smaller request may succeed: 413 (body too large), 504 or {@code 57014} (timeout). */
    public static boolean sizeRelated(PostgrestError error) {
        return error.status() == 413 || (error.status() == 504 && !connectionCode(error)) || "57014".equals(error.code());
    }

    /** One line: {@code 400 PGRST204: message (details) hint: ...}. */
    public static String describe(PostgrestError e) {
        StringBuilder sb = new StringBuilder().append(e.status());
        if (e.code() != null) {
            sb.append(' ').append(e.code());
        }
        if (e.message() != null) {
            sb.append(": ").append(e.message());
        }
        if (e.details() != null) {
            sb.append(" (").append(e.details()).append(')');
        }
        if (e.hint() != null) {
            sb.append(" hint: ").append(e.hint());
        }
        return sb.toString();
    }

    /**
     * The exception for an error answer that ends the call.
     *
     * @param action   what was being done, e.g. {@code upsert into client_leads}
     * @param table    the table
     * @param target   the REST base URL and schema, for messages
     * @param error    the error
     * @param attempts attempts made
     * @param advice   extra advice for the caller, or {@code null}
     */
    public static SupabaseServiceException toException(String action, String table, String target,
                                                       PostgrestError error, int attempts, @Nullable String advice) {
        int status = error.status();
        String what = action + " failed with " + describe(error)
                + (attempts > 1 ? " after " + attempts + " attempts" : "");
        if (status == 401) {
            return new SupabaseAuthException(what + ". The API key was rejected: use this project's service_role"
                    + " (secret) key, complete and unexpired, issued for " + target + ".", error, attempts);
        }
        if (status == 403 || "42501".equals(error.code())) {
            return new SupabaseAuthException(what + ". The key's role may not do this to table " + table
                    + ": use the service_role (secret) key, which bypasses row-level security, or grant the role"
                    + " access / add a row-level security policy.", error, attempts);
        }
        if (status == 404) {
            return new SupabaseNotFoundException(what + ". Table " + table + " was not found at " + target
                    + ": check the table name and the schema, that the schema is exposed by the API, and that"
                    + " PostgREST's schema cache was reloaded after the table was created"
                    + " (NOTIFY pgrst, 'reload schema').", error, attempts);
        }
        String hint = advice != null ? advice : adviceFor(error);
        return new SupabaseServiceException(what + (hint == null ? "" : ". " + hint), error, attempts);
    }

    private static @Nullable String adviceFor(PostgrestError e) {
        String code = e.code() == null ? "" : e.code();
        switch (code) {
            case "PGRST204":
                return "A column of the rows does not exist in the table: fix the row's keys or add the column"
                        + " (then reload PostgREST's schema cache)";
            case "42P10":
                return "The on_conflict columns must match a unique constraint or primary key of the table"
                        + " (not a partial or expression index)";
            case "42703":
                return "A column named in the request does not exist";
            default:
                break;
        }
        if (e.status() == 429 || e.status() >= 500) {
            return "The server is overloaded or unavailable: try again later; rows already acknowledged stay"
                    + " written and upserts are idempotent";
        }
        return null;
    }
}
