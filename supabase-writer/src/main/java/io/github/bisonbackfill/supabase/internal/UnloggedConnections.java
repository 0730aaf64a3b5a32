package io.github.bisonbackfill.supabase.internal;

import org.apache.hc.client5.http.impl.io.DefaultHttpResponseParserFactory;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection;
import org.apache.hc.core5.http.impl.io.SocketHolder;
import org.apache.hc.core5.http.io.HttpConnectionFactory;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.Socket;

/**
 * HttpClient connections that never pass the request to HttpClient's header and wire loggers
 * ({@code org.apache.hc.client5.http.headers}, {@code org.apache.hc.client5.http.wire}): the default
 * connection prints every header, the {@code apikey} / {@code Authorization} credentials included,
 * when those loggers are at DEBUG, whatever SLF4J binding the application uses. With this factory
 * the credentials cannot reach a log at any level. Otherwise the connection behaves as HttpClient's
 * default one (same HTTP/1.1 codec, lenient response parser, socket timeouts).
 */
public final class UnloggedConnections {
    /** Creates the connections; give it to {@code PoolingHttpClientConnectionManagerBuilder#setConnectionFactory}. */
    public static final HttpConnectionFactory<ManagedHttpClientConnection> FACTORY = socket -> {
        Connection c = new Connection();
        if (socket != null) {
            c.bind(socket);
        }
        return c;
    };

    private UnloggedConnections() {
    }

    private static final class Connection extends DefaultBHttpClientConnection implements ManagedHttpClientConnection {
        private volatile @Nullable Timeout socketTimeout;

        Connection() {
            super(Http1Config.DEFAULT, null, null, null, null, null, DefaultHttpResponseParserFactory.INSTANCE);
        }

        @Override
        public void bind(Socket socket) throws IOException {
            super.bind(socket);
            socketTimeout = Timeout.ofMilliseconds(socket.getSoTimeout());
        }

        @Override
        public void bind(SSLSocket sslSocket, Socket socket) throws IOException {
            super.bind(new SocketHolder(sslSocket, socket));
            socketTimeout = Timeout.ofMilliseconds(sslSocket.getSoTimeout());
        }

        @Override
        public @Nullable Socket getSocket() {
            SocketHolder holder = getSocketHolder();
            return holder == null ? null : holder.getSocket();
        }

        @Override
        public @Nullable SSLSession getSSLSession() {
            return getSocket() instanceof SSLSocket ssl ? ssl.getSession() : null;
        }

        @Override
        public void setSocketTimeout(Timeout timeout) {
            super.setSocketTimeout(timeout);
            socketTimeout = timeout;
        }

        @Override
        public void passivate() {
            super.setSocketTimeout(Timeout.ZERO_MILLISECONDS);
        }

        @Override
        public void activate() {
            super.setSocketTimeout(socketTimeout);
        }
    }
}
