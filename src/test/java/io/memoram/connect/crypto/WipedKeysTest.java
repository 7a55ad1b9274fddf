package io.memoram.connect.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wipe tests' helper must not pass when a "wipe" merely empties the ring's list: each case below
 * does that to a ring through reflection (the regression, simulated here so no broken variant of the
 * ring is ever committed) and shows the helper catches it.
 */
class WipedKeysTest {
    private static final String HEX_V1 = "11".repeat(32);
    private static final String HEX_V2 = "22".repeat(16);

    @Test
    void aRealWipeIsAllZero() {
        KeyRing ring = ringOfTwo();
        WipedKeys.Captured before = WipedKeys.capture(ring);
        assertThat(WipedKeys.allZero(ring)).isFalse();

        ring.destroy();

        assertThat(before.size()).isEqualTo(2);
        assertThat(before.allZero()).isTrue();
        assertThat(WipedKeys.allZero(ring)).isTrue();
    }

    @Test
    void aRingEmptiedAfterItWasLookedAtIsNotAllZero() {
        KeyRing ring = ringOfTwo();
        WipedKeys.Captured before = WipedKeys.capture(ring);
        assertThat(WipedKeys.allZero(ring)).isFalse();

        clearInsteadOfZeroing(ring);

        assertThat(before.allZero()).as("the captured arrays still hold the keys").isFalse();
        assertThat(WipedKeys.allZero(ring)).as("the arrays seen before the wipe are checked again").isFalse();
    }

    @Test
    void aRingEmptiedBeforeItWasEverLookedAtIsAnError() {
        KeyRing ring = ringOfTwo();

        clearInsteadOfZeroing(ring);

        assertThatThrownBy(() -> WipedKeys.allZero(ring)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("no key arrays to check");
        assertThatThrownBy(() -> WipedKeys.capture(ring)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("holds no key");
    }

    @Test
    void keysSwappedForFreshZeroArraysDoNotHideTheOldOnes() {
        KeyRing ring = ringOfTwo();
        assertThat(WipedKeys.allZero(ring)).isFalse();

        setKeys(ring, List.of(EncryptionKey.fromHex("00".repeat(32), 1)));

        assertThat(WipedKeys.allZero(ring)).isFalse();
    }

    @Test
    void theKeylessStandInShowsNoWipe() {
        KeyRing ring = new KeyRing(EncryptionKey.unused(1));

        assertThatThrownBy(() -> WipedKeys.allZero(ring)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("empty key array");
    }

    @Test
    void capturingKeysThatAreZeroAlreadyIsAnError() {
        KeyRing ring = ringOfTwo();
        ring.destroy();

        assertThatThrownBy(() -> WipedKeys.capture(ring)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("zero already");
    }

    private static KeyRing ringOfTwo() {
        KeyRing ring = new KeyRing(EncryptionKey.fromHex(HEX_V1, 1));
        ring.add(EncryptionKey.fromHex(HEX_V2, 2));
        return ring;
    }

    /** The regression: destroy() that drops the keys instead of zeroing them. */
    private static void clearInsteadOfZeroing(KeyRing ring) {
        setKeys(ring, List.of());
        try {
            Field destroyed = KeyRing.class.getDeclaredField("destroyed");
            destroyed.setAccessible(true);
            destroyed.setBoolean(ring, true);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static void setKeys(KeyRing ring, List<EncryptionKey> keys) {
        try {
            Field f = KeyRing.class.getDeclaredField("keys");
            f.setAccessible(true);
            f.set(ring, keys);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
