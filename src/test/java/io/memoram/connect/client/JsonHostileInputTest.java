package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.memoram.connect.client.model.AccessRequestList;
import io.memoram.connect.client.model.AccessStatus;
import io.memoram.connect.client.model.Credentials;
import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.client.model.MemoryBlobPage;
import io.memoram.connect.client.model.Tag;
import io.memoram.connect.client.model.TokenResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values a hostile or broken server could send, in every model the client reads: each is parsed to
 * exactly the value stated here or refused with exactly the reason stated here, in bounded time and memory. Before, {@code {"expires_at": 1e30000000}} took 34 s and 600 MB
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

    /** What a hostile number becomes where a timestamp belongs: null means refused. */
    private static final String[] AS_TIMESTAMP = {null, null, "1970-01-01T00:00:00Z", null, null,
            "1970-01-01T00:00:01Z", null, "1970-01-01T00:00:00Z"};
    /** ... where importance or confidence belongs: non-finite values are dropped (null), finite ones kept. */
    private static final Double[] AS_SCORE = {null, null, 0.0, null, null, 1.0, 1.5e308, 4.9e-324};
    /** ... where an int belongs (key_version): null means refused as out of range. */
    private static final Integer[] AS_INT = {null, null, 0, null, null, 1, null, 0};
    private static final String EPOCH_REFUSAL = "not a timestamp in epoch seconds within " + Instant.MIN.getEpochSecond()
            + ".." + Instant.MAX.getEpochSecond();

    private static Stream<Arguments> inputs() {
        return IntStream.range(0, HOSTILE_NUMBERS.length).mapToObj(i -> Arguments.of(i, HOSTILE_NUMBERS[i]));
    }

    private static void assertRefused(Object outcome, Class<? extends Exception> type, String message) {
        assertThat(outcome).isInstanceOf(type);
        assertThat(((Exception) outcome).getMessage()).contains(message).hasSizeLessThan(2_000);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("inputs")
    void hugeNumericTimestampsAreRefusedNotExpanded(int i, String n) {
        Object token = readOrRefuse("{\"token\":\"t\",\"expires_at\":" + n + "}", TokenResponse.class);
        if (AS_TIMESTAMP[i] == null) {
            assertRefused(token, InvalidFormatException.class, EPOCH_REFUSAL);
        } else {
            assertThat(token).isInstanceOfSatisfying(TokenResponse.class,
                    t -> assertThat(t.expiresAt()).isEqualTo(Instant.parse(AS_TIMESTAMP[i])));
        }
    }

    @Test
    void numericTimestampsWithinRangeAreEpochSeconds() throws IOException {
        assertThat(Json.mapper().readValue("{\"token\":\"t\",\"expires_at\":1767225600}", TokenResponse.class).expiresAt())
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(Json.mapper().readValue("{\"token\":\"t\",\"expires_at\":1767225600.25}", TokenResponse.class).expiresAt())
                .isEqualTo(Instant.parse("2026-01-01T00:00:00.250Z"));
    }

    private static Object page(String field, String n) {
        return readOrRefuse("{\"memoryBlobs\":[{\"id\":\"b\",\"" + field + "\":" + n + "}],\"next_cursor\":" + n + "}",
                MemoryBlobPage.class);
    }

    private static MemoryBlob onlyBlob(Object page, String n) {
        assertThat(page).isInstanceOf(MemoryBlobPage.class);
        MemoryBlobPage p = (MemoryBlobPage) page;
        assertThat(p.nextCursor()).as("a number where the cursor belongs is taken as its text").isEqualTo(n);
        assertThat(p.memoryBlobs()).hasSize(1);
        return p.memoryBlobs().get(0);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("inputs")
    void blobScoresKeepFiniteValuesAndDropTheRest(int i, String n) {
        assertThat(onlyBlob(page("importance", n), n).importance()).isEqualTo(AS_SCORE[i]);
        assertThat(onlyBlob(page("confidence", n), n).confidence()).isEqualTo(AS_SCORE[i]);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("inputs")
    void blobTimestampsAreEpochSecondsOrRefused(int i, String n) {
        for (String field : new String[] {"created_at", "updated_at"}) {
            Object page = page(field, n);
            if (AS_TIMESTAMP[i] == null) {
                assertRefused(page, InvalidFormatException.class, EPOCH_REFUSAL);
            } else {
                MemoryBlob b = onlyBlob(page, n);
                assertThat(field.equals("created_at") ? b.createdAt() : b.updatedAt()).isEqualTo(Instant.parse(AS_TIMESTAMP[i]));
            }
        }
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("inputs")
    void blobTextsTakeANumberAsItsTextAndTagsRefuseIt(int i, String n) {
        assertThat(onlyBlob(page("id", n), n).id()).isEqualTo(n);
        assertThat(onlyBlob(page("title", n), n).title()).isEqualTo(n);
        assertRefused(page("tags", n), MismatchedInputException.class,
                "Cannot deserialize value of type `java.util.ArrayList<java.lang.String>`");
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("inputs")
    void credentialsTakeNumbersOnlyAsTextOrAnIntInRange(int i, String n) {
        Object version = readOrRefuse("{\"user_id\":\"u\",\"key_version\":" + n + "}", Credentials.class);
        if (AS_INT[i] == null) {
            assertRefused(version, JsonMappingException.class, "out of range of int");
        } else {
            assertThat(version).isInstanceOfSatisfying(Credentials.class, c -> assertThat(c.keyVersion()).isEqualTo(AS_INT[i]));
        }
        assertThat(readOrRefuse("{\"user_id\":" + n + "}", Credentials.class)).isInstanceOfSatisfying(Credentials.class,
                c -> assertThat(c.userId()).isEqualTo(n));
        assertThat(readOrRefuse("{\"user_id\":\"u\",\"encryption_key\":" + n + "}", Credentials.class))
                .isInstanceOfSatisfying(Credentials.class, c -> assertThat(new String(c.encryptionKey())).isEqualTo(n));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("inputs")
    void accessRequestsAndTagsRefuseHostileTimestamps(int i, String n) {
        Object list = readOrRefuse("{\"items\":[{\"id\":\"r\",\"createdAt\":" + n + ",\"updatedAt\":" + n + ",\"status\":" + n
                + "}],\"total\":" + n + "}", AccessRequestList.class);
        Object tag = readOrRefuse("{\"id\":\"t\",\"created_at\":" + n + ",\"is_enabled\":" + n + "}", Tag.class);
        if (AS_TIMESTAMP[i] == null) {
            assertRefused(list, InvalidFormatException.class, EPOCH_REFUSAL);
            assertRefused(tag, InvalidFormatException.class, EPOCH_REFUSAL);
            return;
        }
        // The timestamps are read; a number is no status (UNKNOWN), the total is coerced, a tag's flag refuses it.
        assertThat(list).isInstanceOfSatisfying(AccessRequestList.class, l -> {
            assertThat(l.total()).isEqualTo(AS_INT[i]);
            assertThat(l.items()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(AccessStatus.UNKNOWN);
                assertThat(r.createdAt()).isEqualTo(Instant.parse(AS_TIMESTAMP[i]));
            });
        });
        assertRefused(tag, MismatchedInputException.class, "Cannot deserialize value of type `java.lang.Boolean`");
    }

    @Test
    void longStringsWhereTimestampsBelongAreRefusedWithoutQuotingThem() {
        String longText = "2026-01-01T00:00:00Z" + "0".repeat(5_000_000);
        Object refused = readOrRefuse("{\"token\":\"t\",\"expires_at\":\"" + longText + "\"}", TokenResponse.class);
        assertThat(refused).isInstanceOf(JsonMappingException.class);
        assertThat(((Exception) refused).getMessage()).hasSizeLessThan(2_000).contains("not an ISO-8601 timestamp");
    }
}
