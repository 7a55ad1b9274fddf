package io.memoram.connect.client.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Status of an access request. Values the API adds later map to {@link #UNKNOWN}, never to an error. */
public enum AccessStatus {
    PENDING, APPROVED, REJECTED, REVOKED, UNKNOWN;

    @JsonCreator
    public static AccessStatus fromWire(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
