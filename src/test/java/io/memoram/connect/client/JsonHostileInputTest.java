package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonMappingException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Values a hostile or broken server could send, in every model the client reads: each is parsed or
 * refused in bounded time and memory. Before, {@code {"expires_at": 1e30000000}} took 34 s and 600 MB
 * (BigDecimal to long). The preemptive timeout is a safety net so that a regression fails instead of
 * hanging the build, not a speed claim.
 */
class JsonHostileInputTest {
    private static final Duration SAFETY_NET = Duration.ofSeconds(30);
    private static final String[] HOSTILE_NUMBERS = {"1e30000000", "-1e30000000", "1e-30000000",
            "9".repeat(999), "-" + "9".repeat(999), "0." + "9".repeat(998), "1.5e308", "4.9e-324"};

    private static <T> Object readOrRefuse(String json, Class<T> type) {
        return assertTimeoutPreemptively(SAFETY_NET, () -> {
            try {
                return Json.mapper().readValue(json, type);
            } catch (IOException refused) {
                return refused;
            }
        });
    }

    @Test
    void hugeNumericTimestampsAreRefusedNotExpanded() {
        for (String n : HOSTILE_NUMBERS) {
            Object token = readOrRefuse("{\"token\":\"t\",\"expires_at\":" + n + "}", TokenResponse.class);
            if (token instanceof TokenResponse t) {
                // Accepted only when it is a real instant (tiny fractions round to the epoch).
                assertThat(t.expiresAt()).isBetween(Instant.MIN, Instant.MAX);
            } else {
                assertThat(token).isInstanceOf(JsonMappingException.class);
                assertThat(((Exception) token).getMessage()).contains("epoch seconds");
            }
        }
        assertThatThrownBy(() -> Json.mapper().readValue("{\"token\":\"t\",\"expires_at\":1e30000000}", TokenResponse.class))
                .isInstanceOf(JsonMappingException.class).hasMessageContaining("not a timestamp in epoch seconds");
    }

    @Test
    void numericTimestampsWithinRangeAreEpochSeconds() throws IOException {
        assertThat(Json.mapper().readValue("{\"token\":\"t\",\"expires_at\":1767225600}", TokenResponse.class).expiresAt())
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(Json.mapper().readValue("{\"token\":\"t\",\"expires_at\":1767225600.25}", TokenResponse.class).expiresAt())
                .isEqualTo(Instant.parse("2026-01-01T00:00:00.250Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"importance", "confidence", "created_at", "updated_at", "id", "title", "tags"})
    void everyBlobFieldTakesHostileNumbersInBoundedTime(String field) {
        for (String n : HOSTILE_NUMBERS) {
            readOrRefuse("{\"memoryBlobs\":[{\"id\":\"b\",\"" + field + "\":" + n + "}],\"next_cursor\":" + n + "}",
                    MemoryBlobPage.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"key_version", "user_id", "encryption_key"})
    void everyCredentialsFieldTakesHostileNumbersInBoundedTime(String field) {
        for (String n : HOSTILE_NUMBERS) {
            readOrRefuse("{\"user_id\":\"u\",\"" + field + "\":" + n + "}", Credentials.class);
        }
    }

    @Test
    void accessRequestsAndTagsTakeHostileNumbersInBoundedTime() {
        for (String n : HOSTILE_NUMBERS) {
            readOrRefuse("{\"items\":[{\"id\":\"r\",\"createdAt\":" + n + ",\"updatedAt\":" + n + ",\"status\":" + n
                    + "}],\"total\":" + n + "}", AccessRequestList.class);
            readOrRefuse("{\"id\":\"t\",\"created_at\":" + n + ",\"is_enabled\":" + n + "}", Tag.class);
        }
    }

    @Test
    void longStringsWhereTimestampsBelongAreRefusedWithoutQuotingThem() {
        String longText = "2026-01-01T00:00:00Z" + "0".repeat(5_000_000);
        Object refused = readOrRefuse("{\"token\":\"t\",\"expires_at\":\"" + longText + "\"}", TokenResponse.class);
        assertThat(refused).isInstanceOf(JsonMappingException.class);
        assertThat(((Exception) refused).getMessage()).hasSizeLessThan(2_000).contains("not an ISO-8601 timestamp");
    }
}
