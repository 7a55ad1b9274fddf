package io.memoram.connect.client;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Parses a {@code Retry-After} header: delta seconds or an HTTP date (RFC 9110 section 10.2.3). */
final class RetryAfter {
    /** A server asking for more than a day is almost certainly wrong; capping keeps arithmetic sane. */
    private static final Duration CAP = Duration.ofDays(1);

    private RetryAfter() { }

    /**
     * @param header the header value, may be null
     * @param now    the current time, for HTTP dates
     * @return the wait asked for (zero for a date in the past), or empty when absent or unreadable
     */
    static Optional<Duration> parse(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String v = header.trim();
        if (Character.isDigit(v.charAt(0))) {
            try {
                // Integers per the RFC; decimals tolerated because some servers send them.
                BigDecimal seconds = new BigDecimal(v);
                if (seconds.signum() < 0) {
                    return Optional.empty();
                }
                if (seconds.compareTo(BigDecimal.valueOf(CAP.getSeconds())) > 0) {
                    return Optional.of(CAP);
                }
                return Optional.of(Duration.ofMillis(seconds.movePointRight(3).longValue()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            if (wait.isNegative()) {
                return Optional.of(Duration.ZERO);
            }
            return Optional.of(wait.compareTo(CAP) > 0 ? CAP : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
