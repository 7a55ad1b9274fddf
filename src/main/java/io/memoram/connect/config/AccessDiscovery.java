package io.memoram.connect.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code memoram.access.discovery}: which access requests of the developer account a connector
 * serves besides the ones it is given (docs/access-flow.md, "Discovery").
 */
public enum AccessDiscovery {
    /** Only {@code memoram.access.request.ids} and {@code memoram.memory.keys} (the default). */
    OFF,
    /** Also every request whose reason is this connector's {@code memoram.access.request.reason}. */
    REASON,
    /** Also every request of the account. */
    ALL;

    public static final List<String> VALUES = Arrays.stream(values()).map(AccessDiscovery::wire).toList();

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a validated value (case and surrounding blanks ignored). */
    public static AccessDiscovery parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    public boolean enabled() {
        return this != OFF;
    }
}
