package io.memoram.connect.client;

/**
 * Whether a call may still go out, asked by the client right before each HTTP request of the call
 * is put on the network: after the client-side rate limit, the token renewal and the circuit
 * breaker, and again before every re-send (a retry, the re-send after a 401). A caller that must be
 * able to call a write off (the sink, when a partition moves to another task) passes one through
 * {@link MemoramClient#withGate(SendGate)}; waits before the network then never count as "sending".
 *
 * <p>{@link #enter()} and {@link #leave()} come in pairs: {@code leave} follows every {@code enter}
 * that answered true, once the exchange ended (answered, failed or cancelled).
 */
public interface SendGate {

    /** The gate of a client without one: every request goes out. */
    SendGate OPEN = new SendGate() {
        @Override
        public boolean enter() {
            return true;
        }

        @Override
        public void leave() {
        }
    };

    /** Called right before a request goes on the network; false: it must not be sent. */
    boolean enter();

    /** The request that {@link #enter()} let through has ended. */
    void leave();
}
