package io.github.bisonbackfill.bison;

import javax.net.ServerSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Server sockets whose accepted connections send at once ({@code TCP_NODELAY}), for
 * {@link mockwebserver3.MockWebServer#setServerSocketFactory}. MockWebServer writes a response's
 * headers and body as separate segments; with Nagle's algorithm on, the body waits for the client's
 * acknowledgement of the headers, which a keep-alive client delays by up to 40 ms (Linux delayed
 * ACK), so every request took about 44 ms on loopback instead of about 1 ms. Nothing a test asserts
 * depends on that delay: the client sees the same bytes, only sooner.
 */
final class NoDelayServerSockets extends ServerSocketFactory {
    static final NoDelayServerSockets INSTANCE = new NoDelayServerSockets();

    private NoDelayServerSockets() {
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
        return new ServerSocket() {
            @Override
            public Socket accept() throws IOException {
                Socket socket = super.accept();
                socket.setTcpNoDelay(true);
                return socket;
            }
        };
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return bound(port, 50, null);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        return bound(port, backlog, null);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
        return bound(port, backlog, address);
    }

    private ServerSocket bound(int port, int backlog, InetAddress address) throws IOException {
        ServerSocket socket = createServerSocket();
        socket.bind(new InetSocketAddress(address, port), backlog);
        return socket;
    }
}
