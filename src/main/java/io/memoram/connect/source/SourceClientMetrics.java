package io.memoram.connect.source;

import io.memoram.connect.client.RequestListener;
import javax.management.ObjectName;

/** The task's HTTP client metrics. TEMPORARY until client.ClientMetrics lands. */
final class SourceClientMetrics {
    private final SourceTaskMetrics metrics;

    SourceClientMetrics(SourceTaskMetrics metrics) {
        this.metrics = metrics;
    }

    RequestListener listener() {
        return RequestListener.NONE;
    }

    ObjectName register(String connector, int task) {
        return null;
    }
}
