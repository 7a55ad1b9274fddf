package io.memoram.connect.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.access.AccessTaskConfig.Request;
import io.memoram.connect.client.model.AccessRequest;
import io.memoram.connect.client.model.AccessStatus;
import io.memoram.connect.config.AccessDiscovery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which task serves which user: every task alone computes the same answer, and it never moves a user. */
class AccessShareTest {
    private static final String OURS = "our pipeline";
    private static final AccessScope REASON = new AccessScope(AccessDiscovery.REASON, OURS);

    private static AccessRequest request(String id, AccessStatus status, String user, String reason) {
        return new AccessRequest(id, status, reason, null, user, null, null, null);
    }

    private static AccessListing complete(List<AccessRequest> items) {
        return new AccessListing(items, items.size(), true);
    }

    private static List<AccessShare> shares(int tasks, List<Request> given, AccessScope scope) {
        List<AccessShare> out = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            out.add(new AccessShare(t, tasks, given, scope));
        }
        return out;
    }

    /** User to task over all tasks' answers; a user in two tasks fails. */
    private static Map<String, Integer> taskOfUser(List<Map<String, Request>> perTask) {
        Map<String, Integer> out = new HashMap<>();
        for (int t = 0; t < perTask.size(); t++) {
            for (Request r : perTask.get(t).values()) {
                if (r.userId() != null) {
                    assertThat(out.put(r.userId(), t)).as("user %s in one task", r.userId()).isIn(null, t);
                }
            }
        }
        return out;
    }

    @Test
    void aThousandUsersSpreadOverThreeTasksAndApprovalsOrRevocationsMoveNobody() {
        List<AccessRequest> items = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            items.add(request("req-" + i, AccessStatus.APPROVED, "user-" + i, OURS));
        }
        items.add(request("other", AccessStatus.APPROVED, "user-other", "another pipeline"));
        items.add(request("pending", AccessStatus.PENDING, null, OURS));
        List<AccessShare> shares = shares(3, List.of(), REASON);
        List<Map<String, Request>> before = new ArrayList<>();
        shares.forEach(s -> before.add(s.after(complete(items))));
        Map<String, Integer> taskOfUser = taskOfUser(before);
        assertThat(taskOfUser).hasSize(1000).doesNotContainKey("user-other");
        for (Map<String, Request> share : before) {
            assertThat(share.size()).as("an even spread").isBetween(280, 390);
        }

        // 20 approvals and 5 revocations: the newcomers join, and nobody already served changes task.
        List<AccessRequest> later = new ArrayList<>(items);
        for (int i = 0; i < 20; i++) {
            later.add(request("new-" + i, AccessStatus.APPROVED, "newcomer-" + i, OURS));
        }
        for (int i = 0; i < 5; i++) {
            later.set(i, request("req-" + i, AccessStatus.REVOKED, "user-" + i, OURS));
        }
        List<Map<String, Request>> after = new ArrayList<>();
        shares.forEach(s -> after.add(s.after(complete(later))));
        Map<String, Integer> now = taskOfUser(after);
        assertThat(now).hasSize(1020).containsAllEntriesOf(taskOfUser);
        now.forEach((user, task) -> assertThat(AccessShare.owner(user, 3)).isEqualTo(task));
    }

    @Test
    void aGivenRequestBelongsToItsRequestsTaskUntilTheListingNamesItsUser() {
        List<Request> given = List.of(new Request("req.42", null, "f".repeat(64)));
        List<AccessShare> shares = shares(4, given, AccessScope.OFF);
        int ofRequest = AccessShare.owner("req.42", 4);
        // Before any listing nobody takes it: its status is reported once, by one task, after the first listing.
        shares.forEach(s -> assertThat(s.initial()).isEmpty());
        List<AccessRequest> pending = List.of(request("req.42", AccessStatus.PENDING, null, "why"));
        for (int t = 0; t < 4; t++) {
            assertThat(shares.get(t).after(complete(pending)).keySet()).as("task %s", t)
                    .isEqualTo(t == ofRequest ? java.util.Set.of("req.42") : java.util.Set.of());
        }
        List<AccessRequest> approved = List.of(request("req.42", AccessStatus.APPROVED, "alice", "why"));
        int ofUser = AccessShare.owner("alice", 4);
        for (int t = 0; t < 4; t++) {
            Map<String, Request> share = shares.get(t).after(complete(approved));
            if (t == ofUser) {
                assertThat(share).containsExactly(Map.entry("req.42", new Request("req.42", "alice", "f".repeat(64))));
            } else {
                assertThat(share).isEmpty();
            }
        }
    }

    @Test
    void anIncompleteListingDropsNobodyAndACompleteOneDropsWhatLeft() {
        AccessShare only = new AccessShare(0, 1, List.of(), REASON);
        List<AccessRequest> items = List.of(request("a", AccessStatus.APPROVED, "ua", OURS), request("b", AccessStatus.APPROVED, "ub", OURS));
        assertThat(only.after(complete(items))).containsOnlyKeys("a", "b");
        assertThat(only.after(new AccessListing(items.subList(0, 1), 2, false))).containsOnlyKeys("a", "b");
        assertThat(only.after(complete(items.subList(0, 1)))).containsOnlyKeys("a");
    }

    @Test
    void theOwnerIsStableAcrossRunsAndTaskInstances() {
        // Pinned (SHA-256 of the UTF-8 id, first 4 bytes, modulo): a change of the hash would move every user at an upgrade.
        assertThat(AccessShare.owner("user-1", 1000)).isEqualTo(756);
        assertThat(AccessShare.owner("cm8r8ny2i001mm24853tqfd62", 1000)).isEqualTo(181);
        int[] counts = new int[7];
        for (int i = 0; i < 7000; i++) {
            counts[AccessShare.owner("u" + i, 7)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(850, 1150);
        }
    }
}
