package io.memoram.connect.source;

import io.memoram.connect.access.AccessTaskConfig;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.emulator.StoredBlob;
import io.memoram.connect.emulator.StoredTag;
import io.memoram.connect.source.offsets.Manifest;
import io.memoram.connect.source.offsets.SourceOffsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * One seeded random history against the emulator (see {@link SourceHistoryModelTest}): users change
 * their blobs and tags while a source task runs, is polled, meets failing or dropped API calls, has
 * its offsets flushed, restarts gracefully or crashes. At every settle point the compacted topics must equal the emulator's
 * state and no record may have repeated an unchanged key outside a crash's lag.
 *
 * <p>The seed fixes every choice the history makes; how the task's passes interleave with them
 * depends on timing, so a failing seed reproduces the same kind of history (the failure report
 * carries the steps actually taken).
 */
final class RandomHistory {
    private static final String PREFIX = "model";
    private static final String MEMORIES = PREFIX + ".memories";
    private static final String TAGS = PREFIX + ".tags";
    private static final List<String> TAG_NAMES = List.of("work", "home", "idea", "todo", "later", "misc");
    /** Complete passes per user a settle waits for: deletions need two complete listings. */
    private static final int SETTLE_PASSES = 2;
    private static final Duration SETTLE_DEADLINE = Duration.ofSeconds(60);

    private final MemoramEmulator emu;
    private final long seed;
    private final boolean crashes;
    private final Random random;
    private final List<String> users = new ArrayList<>();
    private final List<String> steps = new ArrayList<>();
    private final CompactedTopic topic = new CompactedTopic();
    private CommittingTaskRunner runner;
    private int counter;
    /** The step being taken, for the report (-1 while setting up). */
    private int current = -1;

    RandomHistory(MemoramEmulator emu, long seed, boolean crashes) {
        this.emu = emu;
        this.seed = seed;
        this.crashes = crashes;
        this.random = new Random(seed);
    }

    /** Runs {@code length} random steps, then settles and checks once more. */
    void run(int length) {
        try {
            setUp();
            runner.start();
            for (current = 0; current < length; current++) {
                step();
            }
            settleAndCheck("the end");
        } catch (Throwable e) {
            throw new AssertionError(report(e), e);
        } finally {
            if (runner != null && runner.running()) {
                runner.stopGracefully();
            }
        }
    }

    private void setUp() {
        String apiKey = emu.createApiKey();
        List<AccessTaskConfig.Request> requests = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            EmulatedUser u = emu.createUser();
            users.add(u.userId());
            requests.add(new AccessTaskConfig.Request(emu.grantAccess(apiKey, u), u.userId(), null));
            for (int b = random.nextInt(4); b > 0; b--) {
                create(u.userId());
            }
        }
        Map<String, String> p = new HashMap<>();
        p.put("name", "model-" + (crashes ? "crash-" : "") + seed);
        p.put("memoram.api.url", emu.baseUrl());
        p.put("memoram.api.key", apiKey);
        p.put("topic.prefix", PREFIX);
        p.put("memoram.tags.enabled", "true");
        p.put("poll.interval.ms", "20");
        // Small pages: passes take several calls, so polls, flushes and crashes land mid-pass.
        p.put("memoram.page.size", "3");
        p.put("memoram.access.check.interval.ms", "600000");
        p.put("memoram.retry.backoff.ms", "10");
        p.put("memoram.retry.backoff.max.ms", "100");
        Map<String, String> taskProps = TaskConfigs.singleTask(p, requests);
        runner = new CommittingTaskRunner(taskProps, Duration.ofMillis(200));
    }

    private void step() throws InterruptedException {
        int roll = random.nextInt(100);
        if (roll < 16) {
            create(user());
        } else if (roll < 28) {
            update();
        } else if (roll < 34) {
            retag();
        } else if (roll < 44) {
            delete();
        } else if (roll < 50) {
            editTag();
        } else if (roll < 54) {
            deleteTag();
        } else if (roll < 58) {
            fault();
        } else if (roll < 70) {
            int polls = 1 + random.nextInt(3);
            for (int n = 0; n < polls; n++) {
                pollOnce();
            }
        } else if (roll < 80) {
            settleAndCheck("step " + current);
        } else if (roll < 87) {
            runner.commitAll();
            note("flush offsets");
        } else if (roll < 93 || !crashes) {
            runner.stopGracefully();
            topic.gracefulRestart();
            note("graceful restart (all returned offsets committed); while down:");
            whileDown(List.of());
            restart();
        } else {
            crash();
        }
    }

    private void note(String what) {
        steps.add(current < 0 ? "  - " + what : String.format("%3d %s", current, what));
    }

    // --- what the users do (straight into the emulator's state, as the Memoram app would) ---

    private void create(String user) {
        int n = ++counter;
        List<String> tags = someTags();
        String id = emu.putBlob(user, "content " + n, "title " + n, tags);
        note("create " + user + "/" + id + " tags=" + tags);
    }

    private void update() {
        StoredBlob b = someBlob();
        if (b != null) {
            emu.updateBlob(b.userId(), b.id(), "content " + ++counter);
            note("update " + b.userId() + "/" + b.id());
        }
    }

    private void retag() {
        StoredBlob b = someBlob();
        if (b != null) {
            List<String> tags = someTags();
            emu.retagBlob(b.userId(), b.id(), tags);
            note("retag " + b.userId() + "/" + b.id() + " tags=" + tags);
        }
    }

    private void delete() {
        StoredBlob b = someBlob();
        if (b != null) {
            emu.deleteBlob(b.userId(), b.id());
            note("delete " + b.userId() + "/" + b.id());
        }
    }

    private void editTag() {
        String user = user();
        List<StoredTag> tags = emu.tags(user);
        if (!tags.isEmpty()) {
            StoredTag t = tags.get(random.nextInt(tags.size()));
            emu.editTag(user, t.id(), "description " + ++counter, String.format("#%06X", random.nextInt(0x1000000)));
            note("edit tag " + user + "/" + t.id() + " (" + t.name() + ")");
        }
    }

    private void deleteTag() {
        String user = user();
        List<StoredTag> tags = emu.tags(user);
        if (!tags.isEmpty()) {
            deleteTag(user, tags.get(random.nextInt(tags.size())));
        }
    }

    /** As the app would: the tag leaves the blobs that carry it (each an update), then it is gone. */
    private void deleteTag(String user, StoredTag t) {
        for (StoredBlob b : emu.blobs(user)) {
            if (b.tagIds().contains(t.id())) {
                emu.retagBlob(user, b.id(), b.tags().stream().filter(n -> !n.equals(t.name())).toList());
            }
        }
        emu.deleteTag(user, t.name());
        note("delete tag " + user + "/" + t.id() + " (" + t.name() + ", removed from its blobs first)");
    }

    private String user() {
        return users.get(random.nextInt(users.size()));
    }

    private List<String> someTags() {
        List<String> tags = new ArrayList<>();
        for (int n = random.nextInt(3); n > 0; n--) {
            tags.add(TAG_NAMES.get(random.nextInt(TAG_NAMES.size())));
        }
        return tags;
    }

    private StoredBlob someBlob() {
        List<StoredBlob> all = new ArrayList<>();
        users.forEach(u -> all.addAll(emu.blobs(u)));
        return all.isEmpty() ? null : all.get(random.nextInt(all.size()));
    }

    /** The API fails the next few calls of one kind (a failed page makes the pass start over). */
    private void fault() {
        String path = random.nextBoolean() ? "/memory-blobs" : "/tags";
        int count = 1 + random.nextInt(3);
        Fault fault = random.nextBoolean() ? Fault.status(503) : Fault.drop();
        emu.faults().on("GET", path).next(count, fault);
        note("fault: the next " + count + " GET " + path + " get " + fault);
    }

    // --- the connector's side ---

    private void pollOnce() throws InterruptedException {
        List<SourceRecord> batch = runner.poll();
        batch.forEach(topic::apply);
        if (!batch.isEmpty()) {
            note("poll: " + describe(batch));
        }
    }

    /**
     * SIGKILL: offsets flushed only up to an earlier poll (at least the last batch's are lost when
     * there is one), changes while down (most often deleting a blob whose record was in the lost
     * lag: the case at-least-once must still tombstone), then a new task.
     */
    private void crash() throws InterruptedException {
        if (random.nextBoolean()) {
            freshBlobReachesTheTopic();
        }
        int uncommitted = runner.uncommittedBatches();
        int kept = uncommitted == 0 ? 0 : random.nextInt(uncommitted);
        List<SourceRecord> lost = runner.crash(kept);
        topic.lostOffsetsOf(lost);
        note("CRASH: offsets of " + kept + " of " + uncommitted + " uncommitted batches flushed; lost: " + describe(lost)
                + "; while down:");
        whileDown(lost);
        restart();
    }

    /** A new task; the model learns which ids the offsets it starts from name as possibly emitted. */
    private void restart() {
        Set<String> keys = new TreeSet<>();
        runner.committedOffsets().forEach((partition, offset) -> {
            Object user = partition.get(SourceOffsets.USER_ID);
            Object stream = partition.get(SourceOffsets.STREAM);
            if (!(user instanceof String u) || offset == null) {
                return;
            }
            if (SourceOffsets.PENDING.equals(stream)) {
                SourceOffsets.Pending p = SourceOffsets.pendingOf(offset);
                p.memories().ids().forEach(id -> keys.add(CompactedTopic.key(MEMORIES, u, id)));
                p.tags().ids().forEach(id -> keys.add(CompactedTopic.key(TAGS, u, id)));
            } else {
                Manifest m = SourceOffsets.manifestOf(offset);
                String topicName = SourceOffsets.TAGS.equals(stream) ? TAGS : MEMORIES;
                m.ids().stream().filter(id -> Manifest.PENDING.equals(m.fingerprint(id)))
                        .forEach(id -> keys.add(CompactedTopic.key(topicName, u, id)));
            }
        });
        topic.restarted(keys);
        runner.start();
    }

    /**
     * The issue's targeted case, as one step of a crash: a new blob, polled (offsets flushed now and
     * then, as Connect would) until its record is in the topic, so the crash that follows loses that
     * record's batch. Gives up after a few passes of its user (the task may hold it back longer).
     */
    private void freshBlobReachesTheTopic() throws InterruptedException {
        String user = user();
        int n = ++counter;
        String id = emu.putBlob(user, "content " + n, "title " + n, someTags());
        note("create " + user + "/" + id + ", polled until its record is in the topic:");
        int listings = emu.requestCount("GET", "/tags", user);
        long deadline = System.nanoTime() + SETTLE_DEADLINE.toNanos();
        while (!topic.live().containsKey(CompactedTopic.key(MEMORIES, user, id)) && System.nanoTime() < deadline
                && emu.requestCount("GET", "/tags", user) - listings < 6) {
            pollOnce();
            if (random.nextInt(3) == 0 && !topic.live().containsKey(CompactedTopic.key(MEMORIES, user, id))) {
                runner.commitAll();
            }
        }
    }

    private void whileDown(List<SourceRecord> lost) {
        List<StoredBlob> lostLive = lost.stream().filter(r -> MEMORIES.equals(r.topic()) && r.value() != null)
                .map(r -> emu.blob(((Struct) r.key()).getString("user_id"), ((Struct) r.key()).getString("id")))
                .filter(b -> b != null).distinct().toList();
        if (!lostLive.isEmpty() && random.nextInt(10) < 7) {
            StoredBlob b = lostLive.get(random.nextInt(lostLive.size()));
            emu.deleteBlob(b.userId(), b.id());
            note("  (while down) delete " + b.userId() + "/" + b.id() + " (its record was in the lost lag)");
        }
        List<String[]> lostTags = lost.stream().filter(r -> TAGS.equals(r.topic()) && r.value() != null)
                .map(r -> new String[] {((Struct) r.key()).getString("user_id"), ((Struct) r.key()).getString("id")})
                .filter(k -> emu.tags(k[0]).stream().anyMatch(t -> t.id().equals(k[1]))).toList();
        if (!lostTags.isEmpty() && random.nextInt(10) < 5) {
            String[] k = lostTags.get(random.nextInt(lostTags.size()));
            note("  (while down) a tag whose record was in the lost lag:");
            deleteTag(k[0], emu.tags(k[0]).stream().filter(t -> t.id().equals(k[1])).findFirst().orElseThrow());
        }
        for (int n = random.nextInt(3); n > 0; n--) {
            switch (random.nextInt(4)) {
                case 0 -> create(user());
                case 1 -> update();
                case 2 -> delete();
                default -> editTag();
            }
        }
    }

    /**
     * Polls until every user has had {@value #SETTLE_PASSES} complete passes that started after
     * now (a pass starts with GET /tags, so the third GET /tags of a user after now proves two
     * complete passes; the emulator logs who each call was for) and the fetch buffer has been
     * drained past them, offsets flushed after a random share of the polls (as Connect's periodic
     * flush would; some lag stays for the next crash); then, while the topics still differ from the
     * emulator, for up to six more passes per user with a flush after every poll (a task may hold
     * records back until offset storage knows their ids); and finally compares.
     */
    private void settleAndCheck(String when) throws InterruptedException {
        // Without faults from here on, every pass that starts completes.
        emu.faults().clear();
        Map<String, Integer> base = new HashMap<>();
        users.forEach(u -> base.put(u, emu.requestCount("GET", "/tags", u)));
        long deadline = System.nanoTime() + SETTLE_DEADLINE.toNanos();
        while (!(passes(base, SETTLE_PASSES + 1) && runner.task().metrics().getFetchBufferBytes() == 0)) {
            settlePoll(when, deadline, random.nextInt(3) == 0);
        }
        while (!differences().isEmpty() && !passes(base, SETTLE_PASSES + 7)) {
            settlePoll(when, deadline, true);
        }
        note("settled (" + when + ")");
        List<String> problems = differences();
        if (!problems.isEmpty()) {
            throw new AssertionError("at " + when + " the compacted topics disagree with the emulator:\n  "
                    + String.join("\n  ", problems));
        }
        topic.settled();
    }

    private boolean passes(Map<String, Integer> base, int listings) {
        return users.stream().allMatch(u -> emu.requestCount("GET", "/tags", u) - base.get(u) >= listings);
    }

    private void settlePoll(String when, long deadline, boolean flush) throws InterruptedException {
        if (System.nanoTime() > deadline) {
            throw new AssertionError("no " + SETTLE_PASSES + " complete passes per user within " + SETTLE_DEADLINE + " (" + when + ")");
        }
        pollOnce();
        if (flush) {
            runner.commitAll();
        }
    }

    /** What the compacted topics get wrong against the emulator's state, and the repeats seen. */
    private List<String> differences() {
        Map<String, String> expected = new TreeMap<>();
        for (String u : users) {
            for (StoredBlob b : emu.blobs(u)) {
                expected.put(CompactedTopic.key(MEMORIES, u, b.id()), "content=" + emu.decrypt(u, b.content()) + " title=" + b.title()
                        + " tags=" + b.tags() + " updated_at=" + b.updatedAt().toEpochMilli());
            }
            for (StoredTag t : emu.tags(u)) {
                expected.put(CompactedTopic.key(TAGS, u, t.id()), tag(t.name(), t.description(), t.color(), t.isEnabled(),
                        t.updatedAt().toEpochMilli()));
            }
        }
        Map<String, String> actual = new TreeMap<>();
        topic.live().forEach((k, v) -> actual.put(k, k.startsWith(MEMORIES) ? "content=" + v.getString("content")
                + " title=" + v.getString("title") + " tags=" + v.getArray("tags") + " updated_at=" + millis(v)
                : tag(v.getString("name"), v.getString("description"), v.getString("color"), v.getBoolean("is_enabled"), millis(v))));
        List<String> problems = new ArrayList<>(topic.repeats());
        Set<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String k : keys) {
            String want = expected.get(k);
            String got = actual.get(k);
            if (want == null) {
                problems.add("live in the topic, gone from Memoram (no tombstone): " + k + " = " + got);
            } else if (got == null) {
                problems.add("in Memoram, missing from the topic: " + k + " = " + want);
            } else if (!want.equals(got)) {
                problems.add("stale in the topic: " + k + ": topic has " + got + ", Memoram has " + want);
            }
        }
        return problems;
    }

    private static String tag(String name, String description, String color, Boolean enabled, long updatedAt) {
        return "name=" + name + " description=" + description + " color=" + color + " enabled=" + enabled + " updated_at=" + updatedAt;
    }

    private static long millis(Struct v) {
        return ((Date) v.get("updated_at")).getTime();
    }

    private static String describe(List<SourceRecord> records) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>();
        for (SourceRecord r : records) {
            if (r.key() instanceof Struct k) {
                String kind = (r.topic().endsWith(".tags") ? "tag " : "") + (r.value() == null ? "d" : "c/u");
                keys.add(kind + " " + k.getString("user_id") + "/" + k.getString("id"));
            } else {
                counts.merge("access", 1, Integer::sum);
            }
        }
        return records.size() + " records " + keys + (counts.isEmpty() ? "" : " " + counts);
    }

    private String report(Throwable e) {
        StringBuilder s = new StringBuilder();
        s.append("History with seed ").append(seed).append(crashes ? " (crashes)" : " (no crashes)")
                .append(" failed: ").append(e.getMessage())
                .append("\nReproduce: mvn -B test -Dtest='SourceHistoryModelTest#")
                .append(crashes ? "historiesWithCrashes" : "historiesWithoutCrashes").append("' -Dmodel.seed=").append(seed)
                .append("\nRecords produced: ").append(topic.applied()).append("; task runs: ")
                .append(runner == null ? 0 : runner.starts()).append("\nUsers: ").append(users).append("\nSteps:\n");
        steps.forEach(line -> s.append("  ").append(line).append('\n'));
        return s.toString();
    }
}
