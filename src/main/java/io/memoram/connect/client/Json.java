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
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;

/** The client's Jackson setup: tolerant of unknown fields and of every timestamp shape docs/memoram-api.md ("Timestamps and ids") allows. */
public final class Json {
    /**
     * ISO-8601 date-time, fractional seconds optional, then {@code Z}, {@code +02:00}, {@code +0200},
     * {@code +02} or nothing (read as UTC: lenient, the API documents a zone but a missing one should
     * not fail a whole listing).
     */
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter();

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

    /** Parses an API timestamp into an Instant; throws DateTimeParseException when it is not one. */
    public static Instant parseTimestamp(String text) {
        TemporalAccessor t = TIMESTAMP.parse(text.trim());
        LocalDateTime local = LocalDateTime.from(t);
        if (t.isSupported(java.time.temporal.ChronoField.OFFSET_SECONDS)) {
            return OffsetDateTime.of(local, ZoneOffset.ofTotalSeconds(t.get(java.time.temporal.ChronoField.OFFSET_SECONDS)))
                    .toInstant();
        }
        return local.toInstant(ZoneOffset.UTC);
    }

    private static final class InstantDeserializer extends StdScalarDeserializer<Instant> {
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
                } catch (DateTimeParseException e) {
                    return (Instant) ctxt.handleWeirdStringValue(Instant.class, text,
                            "not an ISO-8601 timestamp");
                }
            }
            if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                // Epoch seconds (with optional fraction), as Jackson reads them by default.
                BigDecimal seconds = p.getDecimalValue();
                long whole = seconds.longValue();
                int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
                return Instant.ofEpochSecond(whole, nanos);
            }
            return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
        }
    }
}
