package io.memoram.connect.client;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of response bodies one client may hold at once, across all its calls in flight
 * ({@code memoram.http.response.buffer.max.bytes}). Each body reserves its bytes as they arrive and
 * returns them once its caller has read it, so a broken or hostile server can never make the client
 * hold more than {@link #total()}, whatever the page size asked for and however many calls are in flight.
 */
final class ResponseBudget {
    private final long total;
    private final AtomicLong used = new AtomicLong();

    ResponseBudget(long total) {
        this.total = total;
    }

    long total() {
        return total;
    }

    long used() {
        return used.get();
    }

    /** Reserves {@code bytes}; false (and nothing reserved) when that would exceed the total. */
    boolean tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            if (bytes > total - now) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }
}
