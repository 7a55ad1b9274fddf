package io.memoram.connect.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Faults armed at runtime. Each armed fault has a count and optional method/path-prefix filters; every
 * matching API request consumes one (first armed, first used). Paths are relative to /api/v1
 * ("/memory-blobs"); the OAuth endpoint is "/oauth/token". Admin requests are never faulted.
 */
public final class FaultInjector {
    private final List<Armed> armed = new ArrayList<>();
    /** Counted down by {@link #clear()}: releases every exchange held by a {@link Fault#stall} fault. */
    private volatile CountDownLatch stallRelease = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();

    /** The next {@code count} API requests (any method, any path) get this fault. */
    public FaultInjector next(int count, Fault fault) {
        return arm(null, null, count, fault);
    }

    /** Restricts the faults armed through the returned scope to one method (null: any) and path prefix (null: any). */
    public Scope on(String method, String pathPrefix) {
        return new Scope(method, pathPrefix);
    }

    /** Disarms every fault and releases the exchanges that stalled ones hold. */
    public synchronized void clear() {
        armed.clear();
        CountDownLatch release = stallRelease;
        stallRelease = new CountDownLatch(1);
        release.countDown();
    }

    /** Lets every held ({@link Fault#hold()}) and stalled exchange go on; armed faults stay armed. */
    public synchronized void release() {
        CountDownLatch release = stallRelease;
        stallRelease = new CountDownLatch(1);
        release.countDown();
    }

    /** How many exchanges a {@link Fault#hold()} holds right now. */
    public int held() {
        return held.get();
    }

    /** Holds an exchange until {@link #release()} or {@link #clear()}, at most {@code millis}; false when interrupted. */
    boolean hold(long millis) {
        held.incrementAndGet();
        try {
            return holdStall(millis);
        } finally {
            held.decrementAndGet();
        }
    }

    /** Holds a stalled exchange for {@code millis}, or until {@link #clear()}; false when interrupted. */
    boolean holdStall(long millis) {
        try {
            stallRelease.await(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** How many faulted requests are still to come, over all armed faults. */
    public synchronized int pending() {
        return armed.stream().mapToInt(a -> a.remaining).sum();
    }

    synchronized FaultInjector arm(String method, String pathPrefix, int count, Fault fault) {
        if (count < 1) {
            throw new IllegalArgumentException("fault count must be >= 1, got " + count);
        }
        if (fault == null) {
            throw new IllegalArgumentException("fault must not be null");
        }
        armed.add(new Armed(method == null ? null : method.toUpperCase(Locale.ROOT), pathPrefix, count, fault));
        return this;
    }

    /** @return the fault this request consumes, or null. */
    synchronized Fault take(String method, String path) {
        for (int i = 0; i < armed.size(); i++) {
            Armed a = armed.get(i);
            if ((a.method == null || a.method.equalsIgnoreCase(method))
                    && (a.pathPrefix == null || path.startsWith(a.pathPrefix))) {
                if (--a.remaining == 0) {
                    armed.remove(i);
                }
                return a.fault;
            }
        }
        return null;
    }

    /** Fault arming restricted to a method and path prefix. */
    public final class Scope {
        private final String method;
        private final String pathPrefix;

        private Scope(String method, String pathPrefix) {
            this.method = method;
            this.pathPrefix = pathPrefix;
        }

        public Scope next(int count, Fault fault) {
            arm(method, pathPrefix, count, fault);
            return this;
        }
    }

    private static final class Armed {
        final String method;
        final String pathPrefix;
        final Fault fault;
        int remaining;

        Armed(String method, String pathPrefix, int remaining, Fault fault) {
            this.method = method;
            this.pathPrefix = pathPrefix;
            this.remaining = remaining;
            this.fault = fault;
        }
    }
}
