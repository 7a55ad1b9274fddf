package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorTextTest {
    private static final String API_KEY = "mem_" + "ab12".repeat(12);
    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZXYifQ.c2lnbmF0dXJl";

    private static String message(String body, String... secrets) {
        return ErrorText.httpFailure("GET /memory-blobs/{id}", 404, body.getBytes(StandardCharsets.UTF_8),
                Json.mapper(), List.of(secrets));
    }

    @Test
    void usesTheJsonErrorAndMessageFields() {
        assertThat(message("{\"error\":\"not_found\",\"message\":\"No such blob\"}"))
                .isEqualTo("GET /memory-blobs/{id} failed: HTTP 404: not_found: No such blob");
        assertThat(message("{\"error\":\"Blob not found\"}"))
                .isEqualTo("GET /memory-blobs/{id} failed: HTTP 404: Blob not found");
        assertThat(message("{\"message\":\"gone\",\"code\":7}"))
                .isEqualTo("GET /memory-blobs/{id} failed: HTTP 404: gone");
        assertThat(message("{\"error\":{\"message\":\"nested\"}}"))
                .isEqualTo("GET /memory-blobs/{id} failed: HTTP 404: nested");
        assertThat(message("{\"error\":\"invalid_grant\",\"error_description\":\"code expired\"}"))
                .endsWith("invalid_grant: code expired");
    }

    @Test
    void fallsBackToTheBodyTextAndCollapsesWhitespace() {
        assertThat(message("<html>\n  <b>Bad   Gateway</b>\n</html>"))
                .isEqualTo("GET /memory-blobs/{id} failed: HTTP 404: <html> <b>Bad Gateway</b> </html>");
        assertThat(message("{\"other\":1}")).endsWith("HTTP 404: {\"other\":1}");
        assertThat(message("")).isEqualTo("GET /memory-blobs/{id} failed: HTTP 404");
    }

    @Test
    void truncatesLongTexts() {
        String m = message("x".repeat(5000));
        assertThat(m).endsWith("...");
        assertThat(m.length()).isLessThan(400);
    }

    @Test
    void scrubsTheSecretsSentAndAnythingShapedLikeOne() {
        String memoryKey = "mk-very-secret-123";
        String m = message("{\"error\":\"bad key " + memoryKey + " for " + API_KEY + " with " + JWT
                + " and " + "mem_" + "cd34".repeat(12) + "\"}", memoryKey, API_KEY, JWT);
        assertThat(m).doesNotContain(memoryKey).doesNotContain(API_KEY).doesNotContain(JWT)
                .doesNotContain("cd34cd34").contains("[hidden]");
    }

    @Test
    void scrubsBeforeTruncatingSoNoSecretSurvivesHalfCut() {
        String secret = "s3cr3t-" + "k".repeat(40);
        String body = "y".repeat(280) + secret;
        String m = ErrorText.safe(body, List.of(secret));
        assertThat(m).doesNotContain("s3cr3t");
    }

    @Test
    void tinyValuesAreNotTreatedAsSecrets() {
        assertThat(ErrorText.scrub("a b c", List.of("a"))).isEqualTo("a b c");
    }
}
