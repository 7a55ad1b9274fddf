package io.memoram.connect.sink;

import io.memoram.connect.client.RequestListener;
import javax.management.ObjectName;

/** The task's client metrics listener and its JMX registration (client-sink). */
final class ClientMetricsSupport {
    private ClientMetricsSupport() { }

    static RequestListener create() {
        return RequestListener.NONE;
    }

    static ObjectName register(RequestListener listener, String connector, int task) {
        return null;
    }
}
