package io.memoram.connect.source.offsets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one bucket of one user's stream has emitted so far: item id to fingerprint. Connect offsets
 * may only hold primitive values, so a manifest travels as one string
 * {@code id:fp,id:fp,...}; ids are opaque, so {@code %}, {@code ,} and {@code :} inside them are
 * percent-escaped. Not thread-safe: one thread at a time.
 *
 * <p>Heap: a task keeps every manifest of its users in memory, so entries are compact: an open
 * addressing table ({@link FingerprintTable}) of ids as Latin-1 bytes and fingerprints as the 64-bit value they encode (about
 * 64 bytes per entry for a 25-character id, against about 280 for a map of strings). Ids with a
 * character beyond Latin-1 and fingerprints that are not the canonical 11-character form (only
 * ever seen in hand-altered offsets) go to a plain map beside it, so every stored offset reads back
 * and is written again exactly.
 */
public final class Manifest {
    /**
     * The fingerprint of an id the task may have emitted without offset storage knowing it
     * (recovered after a crash, see {@link CreateGate}): it matches no blob, so a listing that has
     * the id emits it again (as new), and one that misses it tombstones it. Not an 11-character
     * fingerprint, so it lives in {@link #other} and older versions read it as "changed".
     */
    public static final String PENDING = "*";
    /**
     * The fingerprint of an id a re-stream signal asks to emit again (docs/source.md, "Signals"):
     * like {@link #PENDING} it matches no blob, so the next listing that has the id emits it (as a
     * re-read, op {@code r}); kept in the offset so a restart in the middle of a re-stream resumes it.
     */
    public static final String REREAD = "r";

    /** The compact entries (almost all of them). */
    private final FingerprintTable table = new FingerprintTable();
    /** Entries the table cannot hold compactly (rare); null while none. */
    private Map<String, String> other;

    public String fingerprint(String id) {
        if (other != null && other.containsKey(id)) {
            return other.get(id);
        }
        int slot = table.find(id);
        return slot < 0 ? null : Fingerprints.encode(table.fingerprintAt(slot));
    }

    /** Whether {@code id} is in the manifest with exactly this (64-bit) fingerprint. */
    boolean matches(String id, long fingerprint) {
        int slot = table.find(id);
        if (slot >= 0) {
            return table.fingerprintAt(slot) == fingerprint;
        }
        return other != null && Fingerprints.encode(fingerprint).equals(other.get(id));
    }

    boolean contains(String id) {
        return table.find(id) >= 0 || (other != null && other.containsKey(id));
    }

    /** Whether {@code id} is in the manifest only as {@link #PENDING}. */
    boolean pending(String id) {
        return other != null && PENDING.equals(other.get(id));
    }

    /** Whether {@code id} is in the manifest only as {@link #REREAD}. */
    public boolean rereading(String id) {
        return other != null && REREAD.equals(other.get(id));
    }

    public void put(String id, String fingerprint) {
        long bits = Fingerprints.decode(fingerprint);
        if (bits == Fingerprints.NOT_CANONICAL || !FingerprintTable.latin1(id)) {
            remove(id);
            if (other == null) {
                other = new HashMap<>();
            }
            other.put(id, fingerprint);
            return;
        }
        put(id, bits);
    }

    public void put(String id, long fingerprint) {
        if (other != null && other.remove(id) != null && other.isEmpty()) {
            other = null;
            kept = null;
        }
        if (!FingerprintTable.latin1(id)) {
            if (other == null) {
                other = new HashMap<>();
            }
            other.put(id, Fingerprints.encode(fingerprint));
            kept = null;
            return;
        }
        int slot = table.put(id, fingerprint);
        if (kept != null) {
            kept.changed(slot);
        }
    }

    boolean remove(String id) {
        if (other != null && other.containsKey(id)) {
            kept = null;
            other.remove(id);
            if (other.isEmpty()) {
                other = null;
            }
            return true;
        }
        return table.remove(id);
    }

    public int size() {
        return table.size() + (other == null ? 0 : other.size());
    }

    /** Every id (a copy). */
    public List<String> ids() {
        List<String> out = new ArrayList<>(size());
        for (int i = 0; i < table.capacity(); i++) {
            byte[] k = table.keyAt(i);
            if (k != null) {
                out.add(new String(k, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        if (other != null) {
            out.addAll(other.keySet());
        }
        return out;
    }

    /** The string form kept in the offset. */
    public String encode() {
        if (other != null) {
            return encode(Map.of());
        }
        Kept k = encodeTable(null);
        return new String(k.bytes, 0, k.length, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /**
     * {@link #encode()} for a manifest encoded again and again while it grows (a bucket during a
     * pass: every page that touches it). The bytes of the last call and where each slot's entry
     * starts are kept, so the next call splices the entries added since into them and overwrites
     * the fingerprints that changed: copies of runs of bytes instead of writing every entry anew.
     * The result is the same string as {@link #encode()}; anything that moves entries between
     * slots (growth, a removal) makes the next call write it whole. {@link #forgetEncoding} drops
     * what is kept (the bucket's pass ended: an idle user keeps only its compact table).
     */
    String encodeKept() {
        if (other != null) {
            kept = null;
            return encode(Map.of());
        }
        Kept k = kept;
        if (k == null || k.layout != table.layout() || k.length == 0) {
            k = encodeTable(new int[table.capacity()]);
            kept = k;
        } else {
            k.splice();
        }
        return new String(k.bytes, 0, k.length, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Drops what {@link #encodeKept} keeps. */
    void forgetEncoding() {
        kept = null;
    }

    /** Every entry in slot order, written into one array; with {@code start}, records where each slot's entry starts (-1: empty). */
    private Kept encodeTable(int[] start) {
        byte[] out = new byte[Math.max(16, table.size() * 40)];
        int n = 0;
        for (int i = 0; i < table.capacity(); i++) {
            byte[] k = table.keyAt(i);
            if (k == null) {
                if (start != null) {
                    start[i] = -1;
                }
                continue;
            }
            if (out.length - n < 3 * k.length + 2 + Fingerprints.LENGTH) {
                out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, n + 3 * k.length + 2 + Fingerprints.LENGTH));
            }
            if (n > 0) {
                out[n++] = ',';
            }
            if (start != null) {
                start[i] = n;
            }
            n = entry(out, n, i);
        }
        return new Kept(table.layout(), out, n, start);
    }

    /** Writes the entry of slot {@code slot} (escaped id, ':', fingerprint) at {@code n}; returns the index after it. */
    private int entry(byte[] out, int n, int slot) {
        for (byte b : table.keyAt(slot)) {
            switch (b) {
                case '%' -> n = put3(out, n, '%', '2', '5');
                case ',' -> n = put3(out, n, '%', '2', 'C');
                case ':' -> n = put3(out, n, '%', '3', 'A');
                default -> out[n++] = b;
            }
        }
        out[n++] = ':';
        return Fingerprints.encodeTo(table.fingerprintAt(slot), out, n);
    }

    /** Bytes the entry of {@code slot} takes. */
    private int entryLength(int slot) {
        byte[] k = table.keyAt(slot);
        int n = k.length + 1 + Fingerprints.LENGTH;
        for (byte b : k) {
            if (b == '%' || b == ',' || b == ':') {
                n += 2;
            }
        }
        return n;
    }

    /** What {@link #encodeKept} keeps between calls; null while nothing is kept. */
    private Kept kept;

    /** The last encoding, where each slot's entry starts in it, and the slots changed since. */
    private final class Kept {
        final int layout;
        byte[] bytes;
        int length;
        final int[] start;
        /** Slots added ({@code ~slot}) or whose fingerprint changed ({@code slot}) since the bytes were written. */
        private int[] changes = new int[8];
        private int changeCount;

        Kept(int layout, byte[] bytes, int length, int[] start) {
            this.layout = layout;
            this.bytes = bytes;
            this.length = length;
            this.start = start;
        }

        void changed(int slotOrAdded) {
            if (changeCount == changes.length) {
                changes = java.util.Arrays.copyOf(changes, changeCount * 2);
            }
            changes[changeCount++] = slotOrAdded;
        }

        /** Brings the bytes up to date with the table (same layout, at least one entry written before). */
        void splice() {
            int[] added = new int[changeCount];
            int addedCount = 0;
            for (int i = 0; i < changeCount; i++) {
                if (changes[i] < 0) {
                    added[addedCount++] = ~changes[i];
                }
            }
            java.util.Arrays.sort(added, 0, addedCount);
            int[] at = new int[addedCount];
            int[] size = new int[addedCount];
            long grow = 0;
            int next = 0; // the slot scanned for the next entry written before
            for (int a = 0; a < addedCount; a++) {
                // An entry goes before the first entry written before that follows its slot, or at the end.
                next = Math.max(next, added[a] + 1);
                while (next < start.length && start[next] < 0) {
                    next++;
                }
                at[a] = next < start.length ? start[next] : length;
                size[a] = entryLength(added[a]) + 1; // and its comma
                grow += size[a];
            }
            byte[] out = grow == 0 ? bytes : new byte[Math.toIntExact(length + grow)];
            if (addedCount > 0) {
                int src = 0;
                int dst = 0;
                int[] addedStart = new int[addedCount];
                for (int a = 0; a < addedCount; a++) {
                    System.arraycopy(bytes, src, out, dst, at[a] - src);
                    dst += at[a] - src;
                    src = at[a];
                    if (at[a] == length) {
                        out[dst++] = ',';
                        addedStart[a] = dst;
                        dst = entry(out, dst, added[a]);
                    } else {
                        addedStart[a] = dst;
                        dst = entry(out, dst, added[a]);
                        out[dst++] = ',';
                    }
                }
                System.arraycopy(bytes, src, out, dst, length - src);
                // Entries written before move by the bytes added at or before their start.
                int a = 0;
                long shift = 0;
                for (int slot = 0; slot < start.length; slot++) {
                    if (start[slot] < 0) {
                        continue;
                    }
                    while (a < addedCount && at[a] <= start[slot] && at[a] < length) {
                        shift += size[a++];
                    }
                    start[slot] += (int) shift;
                }
                for (int i = 0; i < addedCount; i++) {
                    start[added[i]] = addedStart[i];
                }
                bytes = out;
                length = out.length;
            }
            for (int i = 0; i < changeCount; i++) {
                int slot = changes[i];
                if (slot >= 0) {
                    Fingerprints.encodeTo(table.fingerprintAt(slot), bytes, start[slot] + entryLength(slot) - Fingerprints.LENGTH);
                }
            }
            changeCount = 0;
        }
    }

    /**
     * The string form of this manifest with some entries as they were: {@code before} maps ids to
     * their earlier fingerprint, or to null for ids that were absent.
     */
    public String encode(Map<String, String> before) {
        StringBuilder sb = new StringBuilder(size() * 40);
        for (int i = 0; i < table.capacity(); i++) {
            byte[] k = table.keyAt(i);
            if (k == null) {
                continue;
            }
            String fp;
            if (before.isEmpty()) {
                fp = null;
            } else {
                String id = new String(k, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (before.containsKey(id)) {
                    String old = before.get(id);
                    if (old != null) {
                        entry(sb, id, old);
                    }
                    continue;
                }
                fp = Fingerprints.encode(table.fingerprintAt(i));
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            for (byte b : k) {
                escape((char) (b & 0xff), sb);
            }
            sb.append(':');
            if (fp != null) {
                sb.append(fp);
            } else {
                Fingerprints.encodeTo(table.fingerprintAt(i), sb);
            }
        }
        if (other != null) {
            other.forEach((id, fp) -> {
                if (!before.containsKey(id)) {
                    entry(sb, id, fp);
                } else if (before.get(id) != null) {
                    entry(sb, id, before.get(id));
                }
            });
        }
        // Removed since: written as they were.
        before.forEach((id, old) -> {
            if (old != null && !contains(id)) {
                entry(sb, id, old);
            }
        });
        return sb.toString();
    }

    private static int put3(byte[] out, int n, char a, char b, char c) {
        out[n] = (byte) a;
        out[n + 1] = (byte) b;
        out[n + 2] = (byte) c;
        return n + 3;
    }

    private static void entry(StringBuilder sb, String id, String fp) {
        if (sb.length() > 0) {
            sb.append(',');
        }
        for (int i = 0; i < id.length(); i++) {
            escape(id.charAt(i), sb);
        }
        sb.append(':').append(fp);
    }

    /** @throws IllegalArgumentException when {@code encoded} is not a manifest */
    public static Manifest parse(String encoded) {
        Manifest m = new Manifest();
        if (encoded == null || encoded.isEmpty()) {
            return m;
        }
        int start = 0;
        int n = encoded.length();
        while (start <= n) {
            int end = encoded.indexOf(',', start);
            if (end < 0) {
                end = n;
            }
            int colon = encoded.lastIndexOf(':', end - 1);
            if (colon < start + 1 || colon == end - 1) {
                throw new IllegalArgumentException("manifest entry is not 'id:fingerprint': '"
                        + abbreviate(encoded.substring(start, end)) + "'");
            }
            m.put(unescape(encoded, start, colon), encoded.substring(colon + 1, end));
            start = end + 1;
        }
        return m;
    }

    private static void escape(char c, StringBuilder sb) {
        switch (c) {
            case '%' -> sb.append("%25");
            case ',' -> sb.append("%2C");
            case ':' -> sb.append("%3A");
            default -> sb.append(c);
        }
    }

    private static String unescape(String s, int from, int to) {
        int pct = s.indexOf('%', from);
        if (pct < 0 || pct >= to) {
            return s.substring(from, to);
        }
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < to) {
                String hex = s.substring(i + 1, i + 3);
                switch (hex) {
                    case "25" -> sb.append('%');
                    case "2C" -> sb.append(',');
                    case "3A" -> sb.append(':');
                    default -> throw new IllegalArgumentException("bad escape %" + hex + " in manifest id");
                }
                i += 2;
            } else if (c == '%') {
                throw new IllegalArgumentException("truncated escape in manifest id");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
