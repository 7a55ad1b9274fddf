package io.memoram.connect.client;

/**
 * JMX view of one client's traffic, registered per task as
 * {@code kafka.connect.memoram:type=client,connector=<name>,task=<id>}. Counters only grow.
 */
public interface ClientMetricsMXBean {
    /** HTTP attempts made (retries and token calls included; circuit-open rejections excluded). */
    long getRequestsTotal();

    long getResponses2xx();

    /** 4xx responses other than 429. */
    long getResponses4xx();

    long getResponses429();

    long getResponses5xx();

    /** 1xx/3xx responses: unexpected from this API (a redirecting proxy, for example). */
    long getResponsesOther();

    /** Attempts that got no response: timeouts, refused or dropped connections. */
    long getIoErrors();

    long getRetries();

    /** Waits caused by 429 responses, and their total length. */
    long getThrottledWaits();

    long getThrottledTimeMs();

    long getTokenRenewals();

    long getCircuitOpenRejections();

    /** {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}. */
    String getCircuitState();

    /** Sum of the durations of all attempts. */
    long getRequestTimeMsTotal();
}
