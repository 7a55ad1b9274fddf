package io.memoram.connect.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/** The connectors' MXBeans in a worker process, read over remote JMX as a monitoring tool does. */
final class WorkerJmx implements AutoCloseable {
    private final JMXConnector connector;
    private final MBeanServerConnection server;

    private WorkerJmx(JMXConnector connector) throws IOException {
        this.connector = connector;
        this.server = connector.getMBeanServerConnection();
    }

    /** Connects to a worker started with {@code jmx = true}. */
    static WorkerJmx connect(ConnectWorker worker) {
        try {
            return new WorkerJmx(JMXConnectorFactory.connect(new JMXServiceURL(
                    "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + worker.jmxPort() + "/jmxrmi")));
        } catch (IOException e) {
            throw new UncheckedIOException("JMX of " + worker.name(), e);
        }
    }

    MBeanServerConnection server() {
        return server;
    }

    /** Sum of {@code attribute} over the beans of {@code type} (all connectors and tasks, or those of {@code connector}). */
    long sum(String type, String connector, String attribute) {
        try {
            String pattern = "kafka.connect.memoram:type=" + type
                    + (connector == null ? "" : ",connector=" + ObjectName.quote(connector)) + ",*";
            long total = 0;
            for (ObjectName n : server.queryNames(new ObjectName(pattern), null)) {
                total += ((Number) server.getAttribute(n, attribute)).longValue();
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JMException e) {
            throw new IllegalStateException("cannot read " + type + "." + attribute, e);
        }
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException ignored) {
            // the worker may be gone already: nothing left to release
        }
    }
}
