package io.memoram.connect.util;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the plugin's MXBeans under the domain {@value #DOMAIN}. Object names:
 * {@code kafka.connect.memoram:type=<type>,connector=<name>[,task=<id>]} (see docs/operations.md).
 * Registration failures are logged, never thrown: metrics must not stop data.
 */
public final class Jmx {
    public static final String DOMAIN = "kafka.connect.memoram";
    private static final Logger log = LoggerFactory.getLogger(Jmx.class);
    /** Which bean this class registered under each name; guarded by itself. */
    private static final Map<ObjectName, Object> OWNERS = new HashMap<>();

    private Jmx() { }

    public static ObjectName name(String type, String connector, Integer task) {
        try {
            String n = DOMAIN + ":type=" + type + ",connector=" + ObjectName.quote(connector)
                    + (task == null ? "" : ",task=" + task);
            return new ObjectName(n);
        } catch (JMException e) {
            throw new IllegalArgumentException("bad MBean name for connector " + connector, e);
        }
    }

    /** Registers {@code bean}, replacing an earlier bean of the same name (a restarted task). */
    public static ObjectName register(Object bean, ObjectName name) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        synchronized (OWNERS) {
            OWNERS.put(name, bean);
            registerNow(server, bean, name);
        }
        return name;
    }

    private static void registerNow(MBeanServer server, Object bean, ObjectName name) {
        try {
            try {
                server.registerMBean(bean, name);
            } catch (InstanceAlreadyExistsException e) {
                server.unregisterMBean(name);
                server.registerMBean(bean, name);
            }
        } catch (JMException e) {
            log.warn("Could not register MBean {}: {}", name, e.toString());
        }
    }

    /**
     * Unregisters {@code name} only if {@code bean} is still what is registered there: the stop() of a
     * slow old task must not remove the beans of the task that replaced it under the same name.
     */
    public static void unregister(ObjectName name, Object bean) {
        if (name == null) {
            return;
        }
        synchronized (OWNERS) {
            if (OWNERS.get(name) != bean) {
                log.debug("MBean {} belongs to a newer instance: left registered", name);
                return;
            }
            OWNERS.remove(name);
            unregisterNow(name);
        }
    }

    private static void unregisterNow(ObjectName name) {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException e) {
            log.debug("MBean {} was not registered", name);
        }
    }
}
