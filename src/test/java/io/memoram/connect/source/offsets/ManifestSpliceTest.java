package io.memoram.connect.source.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Manifest#encodeKept} splices changes into the bytes of its last call instead of writing
 * every entry again: the offset it gives must be exactly {@link Manifest#encode}'s, whatever
 * happens between two calls (entries added before, between and after the ones written, ids that
 * need escaping, fingerprints replaced, growth, removals, ids beyond Latin-1, pending marks).
 */
class ManifestSpliceTest {
    @Test
    void theSplicedOffsetIsTheWrittenOneAfterAnyHistory() {
        Random random = new Random(23);
        for (int history = 0; history < 300; history++) {
            Manifest m = new Manifest();
            List<String> ids = new ArrayList<>();
            int steps = 1 + random.nextInt(40);
            for (int step = 0; step < steps; step++) {
                int changes = random.nextInt(history % 3 == 0 ? 200 : 12);
                for (int c = 0; c < changes; c++) {
                    int op = random.nextInt(100);
                    if (op < 60 || ids.isEmpty()) {
                        String id = id(random);
                        ids.add(id);
                        m.put(id, random.nextLong());
                    } else if (op < 85) {
                        m.put(ids.get(random.nextInt(ids.size())), random.nextLong());
                    } else if (op < 95) {
                        m.remove(ids.remove(random.nextInt(ids.size())));
                    } else if (op < 98) {
                        m.put(ids.get(random.nextInt(ids.size())), Manifest.PENDING);
                    } else {
                        String id = "\u4e2d" + id(random); // beyond Latin-1: kept beside the table
                        ids.add(id);
                        m.put(id, random.nextLong());
                    }
                }
                assertThat(m.encodeKept()).as("history %d, step %d", history, step).isEqualTo(m.encode());
                if (random.nextInt(10) == 0) {
                    m.forgetEncoding();
                }
            }
        }
    }

    @Test
    void aBucketGrowingPageByPageSplicesWhatEachPageAdds() {
        Random random = new Random(5);
        Manifest m = new Manifest();
        for (int page = 0; page < 50; page++) {
            for (int i = 0; i < 7; i++) {
                m.put(id(random), random.nextLong());
            }
            assertThat(m.encodeKept()).isEqualTo(m.encode());
            assertThat(Manifest.parse(m.encodeKept()).encode()).hasSameSizeAs(m.encode());
        }
    }

    private static String id(Random random) {
        StringBuilder sb = new StringBuilder("c");
        int n = 5 + random.nextInt(25);
        for (int i = 0; i < n; i++) {
            int r = random.nextInt(40);
            sb.append(r < 36 ? Character.forDigit(r, 36) : ",:%\u00e9".charAt(r - 36));
        }
        return sb.toString();
    }
}
