package io.memoram.connect.client;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Listener calls must never break traffic: a failing metrics hook is logged and ignored. */
final class SafeListener implements RequestListener {
    private static final Logger log = LoggerFactory.getLogger(SafeListener.class);
    private final RequestListener delegate;

    SafeListener(RequestListener delegate) {
        this.delegate = delegate;
    }

    private void guard(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.debug("RequestListener failed: {}", e.toString());
        }
    }

    @Override public void onAttempt(String call, int status, Duration elapsed) { guard(() -> delegate.onAttempt(call, status, elapsed)); }
    @Override public void onRetry(String call, int status, Duration wait) { guard(() -> delegate.onRetry(call, status, wait)); }
    @Override public void onThrottled(String call, Duration wait) { guard(() -> delegate.onThrottled(call, wait)); }
    @Override public void onTokenRenewed() { guard(delegate::onTokenRenewed); }
    @Override public void onCircuitRejected(String call, Duration retryAfter) { guard(() -> delegate.onCircuitRejected(call, retryAfter)); }
    @Override public void onCircuitStateChanged(String state) { guard(() -> delegate.onCircuitStateChanged(state)); }
}
