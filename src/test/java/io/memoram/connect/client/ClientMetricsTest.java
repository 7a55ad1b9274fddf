package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.management.ObjectName;
import io.memoram.connect.util.Jmx;
import org.junit.jupiter.api.Test;

class ClientMetricsTest {

    @Test
    void countsOutcomesRetriesThrottlingAndRenewals() {
        ClientMetrics m = new ClientMetrics();
        m.onAttempt("GET /tags", 200, Duration.ofMillis(5));
        m.onAttempt("GET /tags", 201, Duration.ofMillis(5));
        m.onAttempt("GET /tags", 404, Duration.ofMillis(5));
        m.onAttempt("GET /tags", 429, Duration.ofMillis(5));
        m.onAttempt("GET /tags", 503, Duration.ofMillis(5));
        m.onAttempt("GET /tags", 302, Duration.ofMillis(5));
        m.onAttempt("GET /tags", 0, Duration.ofMillis(5));
        m.onRetry("GET /tags", 429, Duration.ofMillis(1500));
        m.onThrottled("GET /tags", Duration.ofMillis(1500));
        m.onThrottled("GET /tags", Duration.ofMillis(500));
        m.onTokenRenewed();
        m.onCircuitRejected("GET /tags", Duration.ofSeconds(1));
        m.onCircuitStateChanged("OPEN");

        assertThat(m.getRequestsTotal()).isEqualTo(7);
        assertThat(m.getResponses2xx()).isEqualTo(2);
        assertThat(m.getResponses4xx()).isEqualTo(1);
        assertThat(m.getResponses429()).isEqualTo(1);
        assertThat(m.getResponses5xx()).isEqualTo(1);
        assertThat(m.getResponsesOther()).isEqualTo(1);
        assertThat(m.getIoErrors()).isEqualTo(1);
        assertThat(m.getRetries()).isEqualTo(1);
        assertThat(m.getThrottledWaits()).isEqualTo(2);
        assertThat(m.getThrottledTimeMs()).isEqualTo(2000);
        assertThat(m.getTokenRenewals()).isEqualTo(1);
        assertThat(m.getCircuitOpenRejections()).isEqualTo(1);
        assertThat(m.getCircuitState()).isEqualTo("OPEN");
        assertThat(m.getRequestTimeMsTotal()).isEqualTo(35);
    }

    @Test
    void isThreadSafe() throws Exception {
        ClientMetrics m = new ClientMetrics();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    m.onAttempt("GET /tags", 200, Duration.ZERO);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertThat(m.getRequestsTotal()).isEqualTo(80_000);
        assertThat(m.getResponses2xx()).isEqualTo(80_000);
    }

    @Test
    void registersAsAnMXBean() throws Exception {
        ClientMetrics m = new ClientMetrics();
        m.onTokenRenewed();
        ObjectName name = Jmx.register(m, Jmx.name("client", "metrics-test", 3));
        try {
            Object renewals = ManagementFactory.getPlatformMBeanServer().getAttribute(name, "TokenRenewals");
            assertThat(renewals).isEqualTo(1L);
        } finally {
            Jmx.unregister(name, m);
        }
    }
}
