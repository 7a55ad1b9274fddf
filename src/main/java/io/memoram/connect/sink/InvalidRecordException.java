package io.memoram.connect.sink;

import org.apache.kafka.connect.errors.DataException;

/**
 * A record that cannot become a valid blob. The message is the reason shown to users (in the dead
 * letter queue's {@code __connect.errors.exception.message} header, or in the task's failure): it
 * names the field at fault and what is wrong, and never contains content or secrets.
 */
public final class InvalidRecordException extends DataException {
    private final String field;

    InvalidRecordException(String field, String reason) {
        super(reason);
        this.field = field;
    }

    /** The record field (or setting) at fault, e.g. {@code content}; {@code value} for the whole value. */
    String field() {
        return field;
    }
}
