package io.memoram.connect.source.offsets;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What signals did to one user, as kept in Connect's offsets (docs/source.md, "Signals"): partition
 * {@code {"user_id": u, "stream": "signals", "bucket": "-"}}, offset
 * {@code {"v": 1, "pos": n, "ids": "id,...", "paused": b, "restream": "id"|"", "loaded": b}}.
 * {@code pos} is the signal topic offset after the last signal applied to the user (-1: none yet),
 * {@code ids} the ids of the last {@value #MAX_IDS} signals applied (a signal sent twice runs once),
 * {@code restream} the re-stream in progress. The offset travels on the user's notifications, so
 * what a notification reports and what a restart resumes from are the same thing. Not thread-safe:
 * touched like the user's stream (one thread at a time).
 */
public final class SignalState {
    public static final String STREAM = "signals";
    public static final String POS = "pos";
    public static final String IDS = "ids";
    public static final String PAUSED = "paused";
    public static final String RESTREAM = "restream";
    public static final String LOADED = "loaded";
    /** Signal ids remembered per user: enough for any resend an operator or a script makes. */
    public static final int MAX_IDS = 32;

    /** Signal topic offset after the last signal applied; -1 while none was. */
    public long pos = -1;
    private final Deque<String> ids = new ArrayDeque<>();
    public boolean paused;
    /** The re-stream in progress, or null. */
    public String restream;
    /** The user's first complete listing was emitted (its initial load was notified, or predates signals). */
    public boolean loaded;
    /** Records re-read by the re-stream in progress since this task started it or resumed it. */
    public long rereadBlobs;
    public long rereadTags;

    public static Map<String, String> partition(String userId) {
        return SourceOffsets.streamPartition(userId, STREAM, SourceOffsets.PENDING_BUCKET);
    }

    public boolean handled(String signalId) {
        return ids.contains(signalId);
    }

    /** Remembers an applied signal (and, for one read from the topic, its position). */
    public void applied(String signalId, long position) {
        ids.remove(signalId);
        ids.addLast(signalId);
        while (ids.size() > MAX_IDS) {
            ids.removeFirst();
        }
        if (position >= 0) {
            pos = Math.max(pos, position + 1);
        }
    }

    public Map<String, Object> offset() {
        Map<String, Object> m = new LinkedHashMap<>(8);
        m.put(SourceOffsets.VERSION, SourceOffsets.FORMAT_VERSION);
        m.put(POS, pos);
        StringBuilder sb = new StringBuilder();
        for (String id : ids) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(id.replace("%", "%25").replace(",", "%2C"));
        }
        m.put(IDS, sb.toString());
        m.put(PAUSED, paused);
        m.put(RESTREAM, restream == null ? "" : restream);
        m.put(LOADED, loaded);
        return m;
    }

    /**
     * The state a stored offset holds; a fresh state (nothing applied) for a missing one.
     *
     * @throws IllegalArgumentException saying what is wrong with a malformed offset
     */
    public static SignalState parse(Map<String, ?> offset) {
        SignalState s = new SignalState();
        if (offset == null) {
            return s;
        }
        if (!offset.keySet().equals(new java.util.HashSet<>(List.of(SourceOffsets.VERSION, POS, IDS, PAUSED, RESTREAM, LOADED)))) {
            throw new IllegalArgumentException("expected exactly the fields " + List.of(SourceOffsets.VERSION, POS, IDS, PAUSED, RESTREAM, LOADED)
                    + " but got " + offset.keySet());
        }
        if (!(offset.get(SourceOffsets.VERSION) instanceof Number v) || v.intValue() != SourceOffsets.FORMAT_VERSION) {
            throw new IllegalArgumentException("offset version must be " + SourceOffsets.FORMAT_VERSION);
        }
        if (!(offset.get(POS) instanceof Number pos) || pos.longValue() < -1) {
            throw new IllegalArgumentException("offset field 'pos' must be a number >= -1");
        }
        if (!(offset.get(IDS) instanceof String idList)) {
            throw new IllegalArgumentException("offset field 'ids' must be a string");
        }
        if (!(offset.get(PAUSED) instanceof Boolean paused) || !(offset.get(LOADED) instanceof Boolean loaded)) {
            throw new IllegalArgumentException("offset fields 'paused' and 'loaded' must be booleans");
        }
        if (!(offset.get(RESTREAM) instanceof String restream)) {
            throw new IllegalArgumentException("offset field 'restream' must be a string");
        }
        s.pos = pos.longValue();
        if (!idList.isEmpty()) {
            for (String id : idList.split(",", -1)) {
                s.ids.addLast(id.replace("%2C", ",").replace("%25", "%"));
            }
        }
        s.paused = paused;
        s.loaded = loaded;
        s.restream = restream.isEmpty() ? null : restream;
        return s;
    }
}
