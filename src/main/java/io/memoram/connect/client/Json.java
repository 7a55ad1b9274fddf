package io.memoram.connect.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The client's Jackson setup: tolerant of unknown fields and of the timestamp shapes servers send, and
 * bounded on hostile input. Jackson's own limits bound the length of numbers (1,000 digits) and
 * strings; on top of that a timestamp is parsed by a strict fixed-layout ISO-8601 reader
 * ({@link IsoInstant}: no BigDecimal, no formatter), after a few lenient spellings are normalised
 * (a space for the {@code T}, {@code +0200} or {@code +02} for {@code +02:00}, no zone read as UTC: the
 * API documents a zone, but a missing one should not fail a whole listing). A numeric timestamp is
 * accepted only as epoch seconds within {@link Instant}'s range, read as a long or a double:
 * {@code 1e30000000} is refused at once instead of being expanded to thirty million digits.
 */
public final class Json {
    private static final ObjectMapper MAPPER = create();

    private Json() { }

    /** The shared, thread-safe mapper. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    static ObjectMapper create() {
        SimpleModule lenientInstants = new SimpleModule("memoram-instants");
        lenientInstants.addDeserializer(Instant.class, new InstantDeserializer());
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(lenientInstants) // registered after JavaTimeModule, so it wins for Instant
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                // Parse errors must never quote the body: it may hold content or keys.
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
    }

    /** Longer than any ISO-8601 timestamp (35 characters with nanoseconds and an offset): refused unparsed. */
    static final int MAX_TIMESTAMP_LENGTH = 64;

    /** Parses an API timestamp into an Instant; throws DateTimeParseException when it is not one. */
    public static Instant parseTimestamp(String text) {
        String t = text.trim();
        if (t.length() > MAX_TIMESTAMP_LENGTH) {
            throw new DateTimeParseException("a timestamp of " + t.length() + " characters", "", 0);
        }
        Instant instant = IsoInstant.parse(IsoInstant.normalise(t));
        if (instant == null) {
            throw new DateTimeParseException("not an ISO-8601 timestamp", "", 0);
        }
        return instant;
    }

    private static final class InstantDeserializer extends StdScalarDeserializer<Instant> {
        /** Instant's range in epoch seconds. */
        private static final double MIN_SECONDS = Instant.MIN.getEpochSecond();
        private static final double MAX_SECONDS = Instant.MAX.getEpochSecond();

        InstantDeserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_STRING) {
                String text = p.getText();
                if (text.isBlank()) {
                    return null;
                }
                try {
                    return parseTimestamp(text);
                } catch (java.time.DateTimeException e) { // DateTimeParseException, or fields out of range
                    // The text is not quoted back: it may be long, and the message ends up in logs.
                    return (Instant) ctxt.handleWeirdStringValue(Instant.class, text.length() > MAX_TIMESTAMP_LENGTH
                            ? text.substring(0, MAX_TIMESTAMP_LENGTH) + "..." : text, "not an ISO-8601 timestamp");
                }
            }
            if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                return epochSeconds(p, ctxt);
            }
            return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
        }

        /**
         * Epoch seconds (with an optional fraction), read as a long or a double: both are bounded in
         * time whatever the exponent, and anything outside Instant's range is refused.
         */
        private static Instant epochSeconds(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                long seconds = p.getLongValue();
                if (seconds >= Instant.MIN.getEpochSecond() && seconds <= Instant.MAX.getEpochSecond()) {
                    return Instant.ofEpochSecond(seconds);
                }
            } else if (p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
                double seconds = p.getDoubleValue(); // 1e30000000 is Infinity here, not a BigDecimal
                if (Double.isFinite(seconds) && seconds >= MIN_SECONDS && seconds <= MAX_SECONDS) {
                    double whole = Math.floor(seconds);
                    long nanos = Math.round((seconds - whole) * 1e9);
                    return Instant.ofEpochSecond((long) whole, nanos);
                }
            }
            return (Instant) ctxt.handleWeirdNumberValue(Instant.class, 0, "not a timestamp in epoch seconds within "
                    + Instant.MIN.getEpochSecond() + ".." + Instant.MAX.getEpochSecond() + " (" + shortText(p) + ")");
        }

        private static String shortText(JsonParser p) throws IOException {
            String t = p.getText();
            return t.length() > 32 ? t.substring(0, 32) + "... (" + t.length() + " characters)" : t;
        }
    }
}
