package io.memoram.connect.source.signal;

/**
 * The JMX signal channel of one source task ({@code kafka.connect.memoram:type=source-signals,
 * connector=<name>,task=<n>}), for operators without access to the signal topic. Send the same
 * signal to every task of the connector: each acts for its own users only.
 */
public interface SignalMXBean {
    /**
     * Sends one signal (the JSON of a signal topic record). Returns "accepted" (with the number of
     * this task's users it concerns) or "rejected: reason"; a rejection never quotes the text sent.
     */
    String signal(String json);

    /** Signals accepted by this task since it started (topic and JMX). */
    long getSignalsAccepted();

    /** Signals skipped as malformed by this task since it started. */
    long getSignalsRejected();
}
