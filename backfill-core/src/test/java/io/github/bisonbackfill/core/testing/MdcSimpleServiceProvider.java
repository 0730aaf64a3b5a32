package io.github.bisonbackfill.core.testing;

import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * slf4j-simple with a working MDC (slf4j-simple's own is a no-op), so tests can see what the
 * orchestrator puts in the MDC. Selected by the {@code slf4j.provider} system property in this
 * module's surefire configuration.
 */
public final class MdcSimpleServiceProvider extends SimpleServiceProvider {
    private final MDCAdapter mdc = new BasicMDCAdapter();

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }
}
