package io.memoram.connect.source.integration;

import static io.memoram.connect.source.SourceKit.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.ConnectClusterExtension;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.source.SourceKit.Rec;
import io.memoram.connect.source.SourceKit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The listing settings of docs/configuration.md at connector level, on a real worker against the
 * emulator: memoram.filter.importance.min, memoram.filter.search and
 * memoram.rate.limit.requests.per.second.
 */
class SourceFiltersAndRateLimitClusterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    @RegisterExtension
    static final ConnectClusterExtension cluster = ConnectClusterExtension.shared();
    private static EmbeddedConnectCluster connect;

    private static Set<String> idsAfterPasses(String connector, String topic, int expected) {
        await().atMost(TIMEOUT).until(() -> readAll(connect, topic).size() >= expected);
        long base = SourceKit.passes(connector);
        await().atMost(TIMEOUT).until(() -> SourceKit.passes(connector) >= base + 2);
        List<Rec> recs = readAll(connect, topic);
        assertThat(recs).as("records in " + topic).hasSize(expected);
        return recs.stream().map(Rec::id).collect(Collectors.toSet());
    }

    @Test
    void importanceAndSearchFiltersEmitOnlyTheMatchingBlobs() {
        String apiKey = emu.createApiKey();
        EmulatedUser u = emu.createUser();
        String request = emu.grantAccess(apiKey, u);
        String low = emu.putBlob(u.userId(), "low", "Weekend plans", null, List.of(), 0.2, null, null);
        String edge = emu.putBlob(u.userId(), "edge", "Kafka Connect notes", null, List.of(), 0.5, null, null);
        String high = emu.putBlob(u.userId(), "high", "Groceries", "kafka in the summary", List.of(), 0.9, null, null);
        String none = emu.putBlob(u.userId(), "no importance", "KAFKA talk", List.of());

        SourceKit.createTopics(connect, "fimp");
        Map<String, String> byImportance = SourceKit.config(emu, apiKey, "fimp");
        byImportance.put("memoram.access.request.ids", request);
        byImportance.put("memoram.filter.importance.min", "0.5");
        connect.configureConnector("src-filter-importance", byImportance);

        SourceKit.createTopics(connect, "fsearch");
        Map<String, String> bySearch = SourceKit.config(emu, apiKey, "fsearch");
        bySearch.put("memoram.access.request.ids", request);
        bySearch.put("memoram.filter.search", "kafka");
        connect.configureConnector("src-filter-search", bySearch);

        SourceKit.createTopics(connect, "fboth");
        Map<String, String> both = SourceKit.config(emu, apiKey, "fboth");
        both.put("memoram.access.request.ids", request);
        both.put("memoram.filter.importance.min", "0.6");
        both.put("memoram.filter.search", "kafka");
        connect.configureConnector("src-filter-both", both);

        // At least the minimum (0.5 included); a blob without importance does not match.
        assertThat(idsAfterPasses("src-filter-importance", "fimp.memories", 2)).containsExactlyInAnyOrder(edge, high);
        // Case-insensitive, in title or summary.
        assertThat(idsAfterPasses("src-filter-search", "fsearch.memories", 3)).containsExactlyInAnyOrder(edge, high, none);
        assertThat(idsAfterPasses("src-filter-both", "fboth.memories", 1)).containsExactly(high);
        assertThat(low).isNotIn(edge, high, none);
    }

    @Test
    void theRateLimitSpacesATasksRequests() {
        String apiKey = emu.createApiKey();
        EmulatedUser u = emu.createUser();
        int blobs = 24;
        for (int i = 0; i < blobs; i++) {
            emu.putBlob(u.userId(), "memory " + i, "t" + i, List.of());
        }
        SourceKit.createTopics(connect, "rate");
        Map<String, String> config = SourceKit.config(emu, apiKey, "rate");
        config.put("memoram.access.request.ids", emu.grantAccess(apiKey, u));
        config.put("memoram.page.size", "1"); // one listing call per blob: unthrottled, they come in a burst
        config.put("memoram.tags.enabled", "false");
        config.put("memoram.rate.limit.requests.per.second", "4");
        emu.resetRequestCounts();
        connect.configureConnector("src-rate", config);

        await().atMost(TIMEOUT).until(() -> readAll(connect, "rate.memories").size() >= blobs);
        List<Instant> listings = emu.requestTimes("GET", "/memory-blobs");
        assertThat(listings.size()).isGreaterThanOrEqualTo(blobs);
        // One permit every 250 ms: any 12 consecutive listings span at least 11 / 4 = 2.75 s. A slow
        // machine only stretches the spans; the allowance of 1.25 s covers the arrival jitter of a
        // window's first and last call. Unthrottled, 12 listings of one small page take a fraction of that.
        long shortestMs = Long.MAX_VALUE;
        for (int i = 0; i + 11 < listings.size(); i++) {
            shortestMs = Math.min(shortestMs, Duration.between(listings.get(i), listings.get(i + 11)).toMillis());
        }
        assertThat(shortestMs).as("shortest span of 12 consecutive listings, ms").isGreaterThanOrEqualTo(1500);
    }
}
