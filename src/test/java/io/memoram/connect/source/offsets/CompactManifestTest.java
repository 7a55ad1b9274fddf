package io.memoram.connect.source.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The compact manifest table against a plain map: the same answers after any mix of changes. */
class CompactManifestTest {

    @Test
    void behavesLikeAMapThroughGrowthRemovalsAndShrinking() {
        Random random = new Random(42);
        Manifest m = new Manifest();
        Map<String, String> reference = new HashMap<>();
        for (int step = 0; step < 60_000; step++) {
            String id = (random.nextInt(10) == 0 ? "\u00e9t\u00e9-" : "cm") + Integer.toString(random.nextInt(3_000), 36)
                    + (random.nextInt(50) == 0 ? "\u4e2d" : "");
            int op = random.nextInt(step < 30_000 ? 3 : 5); // later: more removals, so the table shrinks
            if (op == 0 || op >= 3) {
                assertThat(m.remove(id)).isEqualTo(reference.remove(id) != null);
            } else {
                String fp = random.nextInt(40) == 0 ? "BBBBBBBBBB2" : Fingerprints.encode(random.nextLong());
                m.put(id, fp);
                reference.put(id, fp);
            }
            if (step % 997 == 0) {
                assertThat(m.size()).isEqualTo(reference.size());
                assertThat(m.ids()).containsExactlyInAnyOrderElementsOf(reference.keySet());
            }
        }
        reference.forEach((id, fp) -> {
            assertThat(m.fingerprint(id)).isEqualTo(fp);
            assertThat(m.contains(id)).isTrue();
        });
        assertThat(m.fingerprint("absent")).isNull();
        Manifest back = Manifest.parse(m.encode());
        assertThat(back.size()).isEqualTo(reference.size());
        reference.forEach((id, fp) -> assertThat(back.fingerprint(id)).isEqualTo(fp));
    }

    @Test
    void fingerprintsRoundTripThroughTheirLongFormOnlyWhenCanonical() {
        Random random = new Random(7);
        for (int i = 0; i < 1_000; i++) {
            long v = random.nextLong();
            String s = Fingerprints.encode(v);
            assertThat(s).hasSize(Fingerprints.LENGTH);
            assertThat(Fingerprints.decode(s)).isEqualTo(v);
            assertThat(java.util.Base64.getUrlDecoder().decode(s)).isEqualTo(java.nio.ByteBuffer.allocate(8).putLong(v).array());
        }
        assertThat(Fingerprints.decode("BBBBBBBBBB2")).as("low bits set").isEqualTo(Fingerprints.NOT_CANONICAL);
        assertThat(Fingerprints.decode("short")).isEqualTo(Fingerprints.NOT_CANONICAL);
        assertThat(Fingerprints.decode("AAAAAAAAAA*")).isEqualTo(Fingerprints.NOT_CANONICAL);
    }

    @Test
    void theBeforeStateOfABatchIsRebuiltWithoutACachedString() {
        Manifest m = Manifest.parse("a:AAAAAAAAAAA,b:BBBBBBBBBBA");
        m.put("a", "CCCCCCCCCCA");
        m.put("c", "DDDDDDDDDDA");
        m.remove("b");
        Map<String, String> undo = new HashMap<>();
        undo.put("a", "AAAAAAAAAAA");
        undo.put("c", null);
        undo.put("b", "BBBBBBBBBBA");
        Manifest before = Manifest.parse(m.encode(undo));
        assertThat(before.ids()).containsExactlyInAnyOrder("a", "b");
        assertThat(before.fingerprint("a")).isEqualTo("AAAAAAAAAAA");
        assertThat(before.fingerprint("b")).isEqualTo("BBBBBBBBBBA");
    }
}
