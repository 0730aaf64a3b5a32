package io.github.bisonbackfill.bison;

import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fixture of the client-against-{@link FakeBison} tests: a {@link MockWebServer} serving a fresh
 * {@link FakeBison}, started before each test and closed after it. Register it on an instance field
 * ({@code @RegisterExtension final FakeBisonExtension fake = new FakeBisonExtension();}): each test
 * gets its own server and fake. The server's connections send without Nagle's delay
 * ({@link NoDelayServerSockets}), so a request takes about 1 ms on loopback rather than about 44.
 */
final class FakeBisonExtension implements BeforeEachCallback, AfterEachCallback {
    private final MockWebServer server = new MockWebServer();
    private final FakeBison bison = new FakeBison();

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        server.setServerSocketFactory(NoDelayServerSockets.INSTANCE);
        server.setDispatcher(bison);
        server.start();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        server.close();
    }

    /** Returns the server; its URL is valid once the test runs. */
    MockWebServer server() {
        return server;
    }

    /** Returns the fake the server dispatches to. */
    FakeBison bison() {
        return bison;
    }

    /** Returns a builder for the server with millisecond settings ({@link TestClients#fast}). */
    BisonClient.Builder client() {
        return TestClients.fast(server);
    }
}
