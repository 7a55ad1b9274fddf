package io.memoram.connect.client;

import io.memoram.connect.util.MetricDoc;

/**
 * JMX view of one client's traffic, registered per task as
 * {@code kafka.connect.memoram:type=client-source,connector=<name>,task=<n>} (source tasks) or
 * {@code type=client-sink} (sink tasks). Each getter's {@link MetricDoc} is its documentation (the
 * table in docs/operations.md).
 */
public interface ClientMetricsMXBean {
    @MetricDoc("HTTP attempts made (retries and token calls included; calls refused while the circuit breaker is open excluded).")
    long getRequestsTotal();

    @MetricDoc("2xx responses.")
    long getResponses2xx();

    @MetricDoc("4xx responses other than 429.")
    long getResponses4xx();

    @MetricDoc("429 responses: the API's quota (see `memoram.rate.limit.requests.per.second`).")
    long getResponses429();

    @MetricDoc("5xx responses; alert when it grows.")
    long getResponses5xx();

    @MetricDoc("1xx and 3xx responses: unexpected from this API (a redirecting proxy, for example).")
    long getResponsesOther();

    @MetricDoc("Attempts that got no response: timeouts, refused or dropped connections.")
    long getIoErrors();

    @MetricDoc("Retries made.")
    long getRetries();

    @MetricDoc("Waits caused by 429 responses.")
    long getThrottledWaits();

    @MetricDoc("Total length of the waits caused by 429 responses, in milliseconds.")
    long getThrottledTimeMs();

    @MetricDoc("JWTs obtained from `POST /auth/token`.")
    long getTokenRenewals();

    @MetricDoc("Calls refused locally while the circuit breaker was open.")
    long getCircuitOpenRejections();

    @MetricDoc(value = "The circuit breaker as text for people: `CLOSED`, `OPEN` or `HALF_OPEN` (alerts use `CircuitStateCode`).", gauge = true)
    String getCircuitState();

    @MetricDoc(value = "The circuit breaker as a number: 0 closed, 1 open, 2 half-open; alert when it is not 0.", gauge = true)
    int getCircuitStateCode();

    @MetricDoc("Summed duration of all attempts, in milliseconds (divide by `RequestsTotal` for the mean).")
    long getRequestTimeMsTotal();
}
