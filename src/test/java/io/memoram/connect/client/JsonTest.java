package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonMappingException;
import io.memoram.connect.client.model.AccessRequest;
import io.memoram.connect.client.model.AccessStatus;
import io.memoram.connect.client.model.Credentials;
import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.client.model.MemoryBlobPage;
import io.memoram.connect.client.model.NewMemoryBlob;
import io.memoram.connect.client.model.Tag;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2026-03-01T10:15:30Z            | 2026-03-01T10:15:30Z",
            "2026-03-01T10:15:30.123Z        | 2026-03-01T10:15:30.123Z",
            "2026-03-01T10:15:30.123456789Z  | 2026-03-01T10:15:30.123456789Z",
            "2026-03-01T12:15:30+02:00       | 2026-03-01T10:15:30Z",
            "2026-03-01T12:15:30.5+02:00     | 2026-03-01T10:15:30.500Z",
            "2026-03-01T05:15:30-05:00       | 2026-03-01T10:15:30Z",
            "2026-03-01T12:15:30+0200        | 2026-03-01T10:15:30Z",
            "2026-03-01T10:15:30+00:00       | 2026-03-01T10:15:30Z",
            "2026-03-01T10:15:30             | 2026-03-01T10:15:30Z",
            "2026-03-01 10:15:30Z            | 2026-03-01T10:15:30Z",
            "2024-02-29T23:59:59.999999999Z  | 2024-02-29T23:59:59.999999999Z",
            "2026-01-01T00:30:00+01:00       | 2025-12-31T23:30:00Z",
            "1970-01-01T00:00:00Z            | 1970-01-01T00:00:00Z",
    })
    void readsEveryTimestampShapeIntoAnInstant(String wire, String expected) throws Exception {
        MemoryBlob blob = Json.mapper().readValue("{\"id\":\"b1\",\"updated_at\":\"" + wire + "\"}", MemoryBlob.class);
        assertThat(blob.updatedAt()).isEqualTo(Instant.parse(expected));
    }

    @Test
    void rejectsAGarbageTimestampWithoutQuotingTheBody() {
        assertThatThrownBy(() -> Json.mapper().readValue(
                "{\"content\":\"SECRET-CONTENT\",\"updated_at\":\"yesterday\"}", MemoryBlob.class))
                .isInstanceOf(JsonMappingException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("SECRET-CONTENT"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2026-02-30T10:15:30Z", "2026-13-01T10:15:30Z", "2026-03-01T24:00:00Z", "2026-03-01T10:15:30.Z",
            "2026-03-01T10:15:30.1234567891Z", "2026-03-01T10:15:30+25:00", "2026-03-01T10:15:30ZZ", "20260301T101530Z",
    })
    void refusesWhatLooksLikeATimestampButIsNotOne(String wire) {
        assertThatThrownBy(() -> Json.mapper().readValue("{\"id\":\"b1\",\"updated_at\":\"" + wire + "\"}", MemoryBlob.class))
                .isInstanceOf(JsonMappingException.class).hasMessageContaining("not an ISO-8601 timestamp");
    }

    @Test
    void toleratesUnknownFieldsAndMixedNaming() throws Exception {
        AccessRequest snake = Json.mapper().readValue("{\"id\":\"r1\",\"status\":\"approved\",\"memory_key\":\"k\","
                + "\"userId\":\"u1\",\"created_at\":\"2026-01-01T00:00:00Z\",\"brandNew\":{\"x\":1}}", AccessRequest.class);
        assertThat(snake.memoryKey()).isEqualTo("k");
        assertThat(snake.userId()).isEqualTo("u1");
        assertThat(snake.status()).isEqualTo(AccessStatus.APPROVED);
        assertThat(snake.createdAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));

        AccessRequest camel = Json.mapper().readValue("{\"id\":\"r2\",\"status\":\"on_hold\",\"memoryKey\":\"k2\","
                + "\"user_id\":\"u2\",\"createdAt\":\"2026-01-01T02:00:00+02:00\"}", AccessRequest.class);
        assertThat(camel.status()).isEqualTo(AccessStatus.UNKNOWN);
        assertThat(camel.createdAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));

        Credentials c = Json.mapper().readValue("{\"user_id\":\"u\",\"memoryKey\":\"mk\",\"encryption_key\":\"00ff\","
                + "\"key_version\":3,\"extra\":true}", Credentials.class);
        assertThat(c.keyVersion()).isEqualTo(3);
        assertThat(c.memoryKey()).isEqualTo("mk");

        MemoryBlobPage page = Json.mapper().readValue("{\"memoryBlobs\":[{\"id\":\"a\",\"tags\":[\"x\"],"
                + "\"tag_ids\":[\"t1\"]}],\"next_cursor\":\"\"}", MemoryBlobPage.class);
        assertThat(page.memoryBlobs()).hasSize(1);
        assertThat(page.memoryBlobs().get(0).tagIds()).isEqualTo(List.of("t1"));
        assertThat(page.hasMore()).isFalse();

        Tag tag = Json.mapper().readValue("{\"id\":\"t\",\"isEnabled\":false,\"updatedAt\":\"2026-01-01T00:00:00.5Z\"}", Tag.class);
        assertThat(tag.isEnabled()).isFalse();
    }

    @Test
    void writesNewBlobsWithTheApiNamesAndNoNulls() throws Exception {
        String json = Json.mapper().writeValueAsString(new NewMemoryBlob("u", "mk", "c", "t", null, List.of("a"),
                0.5, null, "s"));
        assertThat(json).contains("\"user_id\":\"u\"", "\"memoryKey\":\"mk\"", "\"tags\":[\"a\"]")
                .doesNotContain("summary", "confidence");
    }
}
