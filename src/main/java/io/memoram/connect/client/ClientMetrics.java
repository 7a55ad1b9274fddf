package io.memoram.connect.client;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe counters of a client's traffic: pass it as the config's {@link RequestListener} and
 * register it as {@code Jmx.register(metrics, Jmx.name("client-source", connector, task))} (source
 * tasks) or {@code "client-sink"} (sink tasks), the names docs/operations.md lists.
 */
public final class ClientMetrics implements RequestListener, ClientMetricsMXBean {
    private final LongAdder requests = new LongAdder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder clientErrors = new LongAdder();
    private final LongAdder tooManyRequests = new LongAdder();
    private final LongAdder serverErrors = new LongAdder();
    private final LongAdder other = new LongAdder();
    private final LongAdder ioErrors = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder throttledWaits = new LongAdder();
    private final LongAdder throttledMs = new LongAdder();
    private final LongAdder tokenRenewals = new LongAdder();
    private final LongAdder circuitRejections = new LongAdder();
    private final LongAdder requestTimeMs = new LongAdder();
    private volatile String circuitState = "CLOSED";

    @Override
    public void onAttempt(String call, int status, Duration elapsed) {
        requests.increment();
        requestTimeMs.add(elapsed == null ? 0 : elapsed.toMillis());
        if (status == 0) {
            ioErrors.increment();
        } else if (status == 429) {
            tooManyRequests.increment();
        } else if (status >= 200 && status < 300) {
            ok.increment();
        } else if (status >= 400 && status < 500) {
            clientErrors.increment();
        } else if (status >= 500 && status < 600) {
            serverErrors.increment();
        } else {
            other.increment();
        }
    }

    @Override
    public void onRetry(String call, int status, Duration wait) {
        retries.increment();
    }

    @Override
    public void onThrottled(String call, Duration wait) {
        throttledWaits.increment();
        throttledMs.add(wait == null ? 0 : wait.toMillis());
    }

    @Override
    public void onTokenRenewed() {
        tokenRenewals.increment();
    }

    @Override
    public void onCircuitRejected(String call, Duration retryAfter) {
        circuitRejections.increment();
    }

    @Override
    public void onCircuitStateChanged(String state) {
        circuitState = state;
    }

    @Override public long getRequestsTotal() { return requests.sum(); }
    @Override public long getResponses2xx() { return ok.sum(); }
    @Override public long getResponses4xx() { return clientErrors.sum(); }
    @Override public long getResponses429() { return tooManyRequests.sum(); }
    @Override public long getResponses5xx() { return serverErrors.sum(); }
    @Override public long getResponsesOther() { return other.sum(); }
    @Override public long getIoErrors() { return ioErrors.sum(); }
    @Override public long getRetries() { return retries.sum(); }
    @Override public long getThrottledWaits() { return throttledWaits.sum(); }
    @Override public long getThrottledTimeMs() { return throttledMs.sum(); }
    @Override public long getTokenRenewals() { return tokenRenewals.sum(); }
    @Override public long getCircuitOpenRejections() { return circuitRejections.sum(); }
    @Override public String getCircuitState() { return circuitState; }
    @Override public int getCircuitStateCode() { return circuitStateCode(circuitState); }
    @Override public long getRequestTimeMsTotal() { return requestTimeMs.sum(); }

    /** The documented numbers of the breaker's states (a forced open is open; disabled is as good as closed). */
    static int circuitStateCode(String state) {
        return switch (state) {
            case "OPEN", "FORCED_OPEN" -> 1;
            case "HALF_OPEN" -> 2;
            default -> 0;
        };
    }

    @Override
    public String toString() {
        return "ClientMetrics[requests=" + getRequestsTotal() + ", 2xx=" + getResponses2xx() + ", 4xx="
                + getResponses4xx() + ", 429=" + getResponses429() + ", 5xx=" + getResponses5xx() + ", ioErrors="
                + getIoErrors() + ", retries=" + getRetries() + ", circuit=" + circuitState + "]";
    }
}
