package io.memoram.connect.sink;

import io.memoram.connect.client.ClientMetrics;
import io.memoram.connect.util.Jmx;
import javax.management.ObjectName;

/** The task's client metrics and their JMX name ({@code type=client-sink}). */
final class ClientMetricsSupport {
    private ClientMetricsSupport() { }

    static ClientMetrics create() {
        return new ClientMetrics();
    }

    static ObjectName register(ClientMetrics metrics, String connector, int task) {
        return Jmx.register(metrics, Jmx.name("client-sink", connector, task));
    }
}
