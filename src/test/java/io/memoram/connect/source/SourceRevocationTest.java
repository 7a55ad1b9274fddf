package io.memoram.connect.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the source task itself does about a revocation (docs/source.md "Rejected or revoked"), against
 * the emulator over HTTP. The emulator refuses a revoked user's blobs anyway, so "nothing arrives
 * after the revocation" would pass even if the task ignored it; these tests assert the task's own
 * behaviour instead: its access record, its UsersRevoked gauge, and not one call for that user's
 * blobs or tags once it has seen the revocation (the emulator logs whom each call was for).
 */
class SourceRevocationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();

    @Test
    void aRevokedUserIsNeverListedAgainOnceTheTaskHasSeenItAndResumesWhenApproved() throws Exception {
        String apiKey = emu.createApiKey();
        EmulatedUser leaving = emu.createUser();
        EmulatedUser staying = emu.createUser();
        String before = emu.putBlob(leaving.userId(), "before", "t", List.of("x"));
        emu.putBlob(staying.userId(), "staying", "t", List.of("x"));
        String leavingRequest = emu.grantAccess(apiKey, leaving);
        String stayingRequest = emu.grantAccess(apiKey, staying);
        Map<String, String> p = new HashMap<>();
        p.put("name", "revocation");
        p.put("memoram.api.url", emu.baseUrl());
        p.put("memoram.api.key", apiKey);
        p.put("topic.prefix", "rev");
        p.put("memoram.tags.enabled", "true");
        p.put("poll.interval.ms", "50");
        p.put("memoram.access.check.interval.ms", "100");
        p.put("memoram.retry.backoff.ms", "10");
        p.put("memoram.retry.backoff.max.ms", "50");
        List<AccessTaskConfig.Request> requests = List.of(new AccessTaskConfig.Request(leavingRequest, leaving.userId(), null),
                new AccessTaskConfig.Request(stayingRequest, staying.userId(), null));
        Map<String, String> taskProps = TaskConfigs.singleTask(p, requests);
        CommittingTaskRunner worker = new CommittingTaskRunner(taskProps, Duration.ofMillis(200));
        worker.start();
        MemoramSourceTask t = worker.task();
        try {
            pollUntil(worker, rs -> memoryIds(rs).contains(before) && rs.stream().anyMatch(r -> userOf(r).equals(staying.userId())));
            assertThat(t.metrics().getUsersActive()).isEqualTo(2);

            emu.revoke(leavingRequest);
            String afterRevocation = emu.putBlob(leaving.userId(), "after the revocation", "t", List.of());
            List<SourceRecord> seen = pollUntil(worker, rs -> rs.stream().anyMatch(r -> isStatus(r, leavingRequest, "revoked")));
            // The task has seen the revocation: from here on, no call may name that user.
            int leavingCalls = userCalls(leaving);
            assertThat(t.metrics().getUsersRevoked()).isEqualTo(1);
            assertThat(t.metrics().getUsersActive()).isEqualTo(1);

            // Three more listings of the staying user: the task keeps pulling, just not the leaving user.
            int stayingCalls = emu.requestCount("GET", "/tags", staying.userId());
            seen.addAll(pollUntil(worker, rs -> emu.requestCount("GET", "/tags", staying.userId()) >= stayingCalls + 3));
            assertThat(userCalls(leaving)).as("calls for the revoked user's blobs and tags after the task saw the revocation")
                    .isEqualTo(leavingCalls);
            assertThat(memoryIds(seen)).doesNotContain(afterRevocation);
            assertThat(t.metrics().getUsersRevoked()).isEqualTo(1);

            // Approved again: the same task resumes the user where it stopped.
            emu.approve(leavingRequest);
            List<SourceRecord> resumed = pollUntil(worker, rs -> memoryIds(rs).contains(afterRevocation));
            assertThat(resumed).anyMatch(r -> isStatus(r, leavingRequest, "approved"));
            assertThat(memoryIds(resumed)).doesNotContain(before);
            assertThat(t.metrics().getUsersRevoked()).isZero();
        } finally {
            worker.stopGracefully();
        }
    }

    /** API calls naming this user (blob listings, tags), whatever their outcome. */
    private static int userCalls(EmulatedUser u) {
        return emu.requestCount(null, null, u.userId());
    }

    private static boolean isStatus(SourceRecord r, String requestId, String status) {
        return requestId.equals(r.key()) && r.value() instanceof Struct v && status.equals(v.getString("status"));
    }

    private static String userOf(SourceRecord r) {
        return r.key() instanceof Struct k ? k.getString("user_id") : "";
    }

    private static List<String> memoryIds(List<SourceRecord> records) {
        return records.stream().filter(r -> r.topic().endsWith(".memories")).map(r -> ((Struct) r.key()).getString("id")).toList();
    }

    /** Polls, with the offsets of each batch flushed at once (a worker flushing after every poll). */
    private static List<SourceRecord> pollUntil(CommittingTaskRunner worker, Predicate<List<SourceRecord>> done) {
        List<SourceRecord> records = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            records.addAll(worker.poll());
            worker.commitAll();
            return done.test(records);
        });
        return records;
    }
}
