package io.memoram.connect.source;

import io.memoram.connect.util.Jmx;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerNotification;
import javax.management.NotificationFilter;
import javax.management.NotificationListener;
import javax.management.ObjectName;

/**
 * Counts registrations of the source-task MBeans of one connector: one per task start, seen from
 * outside the connector, so a reconfiguration cannot go unseen (StableAssignmentClusterIT, the
 * discovery bench). The workers run in the test JVM, so their MBeans are this JVM's.
 */
public final class TaskStarts implements AutoCloseable {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final AtomicInteger count = new AtomicInteger();
    private final NotificationListener listener;
    private final NotificationFilter filter;

    public TaskStarts(String connector) throws Exception {
        ObjectName pattern = new ObjectName(Jmx.DOMAIN + ":type=source-task,connector=" + ObjectName.quote(connector) + ",*");
        listener = (n, handback) -> {
            if (n instanceof MBeanServerNotification m && pattern.apply(m.getMBeanName())) {
                count.incrementAndGet();
            }
        };
        filter = n -> MBeanServerNotification.REGISTRATION_NOTIFICATION.equals(n.getType());
        server.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener, filter, null);
    }

    public int count() {
        return count.get();
    }

    @Override
    public void close() throws javax.management.JMException {
        server.removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener, filter, null);
    }
}
