package io.memoram.connect.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure the emulator injects instead of (or around) the normal handling of one API request.
 * Build with the factories; arm with {@link FaultInjector#next(int, Fault)}.
 */
public final class Fault {
    enum Kind { STATUS, DELAY, DROP, DROP_AFTER_HANDLING, STALL, HOLD, HTML, CURSORS }

    private final Kind kind;
    private final int status;
    private final Integer retryAfterSeconds;
    private final Duration delay;
    private final java.util.function.UnaryOperator<String> nextCursor;

    private Fault(Kind kind, int status, Integer retryAfterSeconds, Duration delay) {
        this(kind, status, retryAfterSeconds, delay, null);
    }

    private Fault(Kind kind, int status, Integer retryAfterSeconds, Duration delay, java.util.function.UnaryOperator<String> nextCursor) {
        this.kind = kind;
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
        this.delay = delay;
        this.nextCursor = nextCursor;
    }

    /**
     * For {@code GET /memory-blobs}: a server whose cursors misbehave. The request is answered as if
     * it asked for the first page (its cursor ignored), with {@code next_cursor} replaced by
     * {@code nextCursor} applied to the cursor it was sent with (null for the first page; a null
     * result ends the listing). {@code c -> c == null ? "A" : c.equals("A") ? "B" : "A"} is a cycle
     * A, B, A...; {@code c -> c + "x"} hands out fresh cursors forever.
     */
    public static Fault cursors(java.util.function.UnaryOperator<String> nextCursor) {
        return new Fault(Kind.CURSORS, 0, null, null, Objects.requireNonNull(nextCursor, "nextCursor"));
    }

    /** Answer with this status (e.g. 500, 503) and a JSON error body; the request has no effect. */
    public static Fault status(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status must be 100..599, got " + status);
        }
        return new Fault(Kind.STATUS, status, null, null);
    }

    /** 429 with {@code Retry-After: <seconds>}; the request has no effect. */
    public static Fault tooManyRequests(int retryAfterSeconds) {
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("Retry-After seconds must be >= 0, got " + retryAfterSeconds);
        }
        return new Fault(Kind.STATUS, 429, retryAfterSeconds, null);
    }

    /** Wait this long, then handle the request normally (a slow server). */
    public static Fault delay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative");
        }
        return new Fault(Kind.DELAY, 0, null, delay);
    }

    /** Close the connection without any response; the request has no effect. */
    public static Fault drop() {
        return new Fault(Kind.DROP, 0, null, null);
    }

    /**
     * Handle the request (its effect happens) and then close the connection without a response: the
     * client cannot know whether its write landed. This is the case idempotent writes must survive.
     */
    public static Fault dropAfterHandling() {
        return new Fault(Kind.DROP_AFTER_HANDLING, 0, null, null);
    }

    /**
     * A hung peer: handle the request (its effect happens), send the status line and headers (with the
     * full Content-Length) and the first half of the body, then go silent for {@code hold} without closing
     * the connection. Released early by {@link FaultInjector#clear()} or by closing the emulator.
     */
    public static Fault stall(Duration hold) {
        Objects.requireNonNull(hold, "hold");
        if (hold.isNegative() || hold.isZero()) {
            throw new IllegalArgumentException("a stall must hold for a positive time");
        }
        return new Fault(Kind.STALL, 0, null, hold);
    }

    /** {@link #stall(Duration)} for ten minutes: longer than any client deadline under test. */
    public static Fault stall() {
        return stall(Duration.ofMinutes(10));
    }

    /**
     * Answer 200 with an HTML page, as a proxy's maintenance page or a login portal would; the request
     * has no effect. A client must not take it for the API's answer.
     */
    public static Fault html() {
        return new Fault(Kind.HTML, 200, null, null);
    }

    /**
     * Hold the request until the test says so ({@link FaultInjector#release()} or {@link FaultInjector#clear()};
     * at most ten minutes), then handle it normally: a slow write whose end the test chooses, instead of a
     * delay that a loaded machine may outlast.
     */
    public static Fault hold() {
        return new Fault(Kind.HOLD, 0, null, Duration.ofMinutes(10));
    }

    Kind kind() {
        return kind;
    }

    int statusCode() {
        return status;
    }

    Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    Duration delayDuration() {
        return delay;
    }

    String nextCursor(String cursor) {
        return nextCursor.apply(cursor);
    }

    @Override
    public String toString() {
        switch (kind) {
            case STATUS:
                return retryAfterSeconds == null ? "status(" + status + ")" : "tooManyRequests(" + retryAfterSeconds + ")";
            case DELAY:
                return "delay(" + delay + ")";
            case DROP:
                return "drop()";
            case STALL:
                return "stall(" + delay + ")";
            case HOLD:
                return "hold()";
            case HTML:
                return "html()";
            case CURSORS:
                return "cursors()";
            default:
                return "dropAfterHandling()";
        }
    }
}
