package io.github.bisonbackfill.bison.simulator;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A raw HTTP/1.1 test client: one connection per request ({@code Connection: close}), no retries, no
 * pooling. For tests that count what the server did per request: the JDK client may resend a GET whose
 * connection was dropped, and its kept-alive connections meet delayed ACKs (about 40 ms a request here),
 * while a fresh connection answers in a few milliseconds.
 */
final class RawHttp {

    /** A complete or cut response: status, headers (names lower-cased), the body bytes received. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** The server closed the connection without sending a single byte. */
    static final class NoResponse extends EOFException {
        NoResponse() {
            super("connection closed without any response");
        }
    }

    private RawHttp() {
    }

    /**
     * Sends one request and reads until the server closes.
     *
     * @throws NoResponse                      when the connection closes before any byte
     * @throws java.net.SocketTimeoutException when no byte arrives within {@code timeout}
     */
    static Response send(String baseUrl, String method, String pathAndQuery, String key, String json,
                         Duration timeout) throws IOException {
        URI u = URI.create(baseUrl);
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) timeout.toMillis());
            byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(u.getHost()).append(':').append(u.getPort()).append("\r\n")
                    .append("Accept: application/json\r\nConnection: close\r\n");
            if (key != null) {
                head.append("Authorization: Bearer ").append(key).append("\r\n");
            }
            if (json != null) {
                head.append("Content-Type: application/json\r\n");
            }
            head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                all.write(buf, 0, n);
            }
            byte[] bytes = all.toByteArray();
            if (bytes.length == 0) {
                throw new NoResponse();
            }
            return parse(bytes);
        }
    }

    private static Response parse(byte[] bytes) throws IOException {
        int end = -1;
        for (int i = 0; i + 3 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            throw new IOException("incomplete response head: " + new String(bytes, StandardCharsets.ISO_8859_1));
        }
        String[] lines = new String(bytes, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] body = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
        return new Response(status, headers, body);
    }
}
