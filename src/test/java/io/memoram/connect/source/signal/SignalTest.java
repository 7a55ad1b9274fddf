package io.memoram.connect.source.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a signal record may say, and that a rejection never quotes what was sent. */
class SignalTest {
    @Test
    void restreamOfUsersOrOfAll() throws Exception {
        Signal s = Signal.parse("{\"id\":\"s1\",\"type\":\"restream\",\"data\":{\"users\":[\"u1\",\"u2\"]}}", 7);
        assertThat(s).isEqualTo(new Signal("s1", Signal.Type.RESTREAM, List.of("u1", "u2"), false, 7));
        assertThat(s.targets("u2")).isTrue();
        assertThat(s.targets("u3")).isFalse();
        Signal all = Signal.parse("{\"id\":\"s2\",\"type\":\"restream\",\"data\":{\"all\":true}}", -1);
        assertThat(all.allUsers()).isTrue();
        assertThat(all.targets("anyone")).isTrue();
    }

    @Test
    void pauseAndResumeTakeOneUser() throws Exception {
        assertThat(Signal.parse("{\"id\":\"p\",\"type\":\"pause\",\"data\":{\"user\":\"u1\"}}", 0).users()).containsExactly("u1");
        assertThat(Signal.parse("{\"id\":\"r\",\"type\":\"resume\",\"data\":{\"users\":[\"u1\"]}}", 0).type()).isEqualTo(Signal.Type.RESUME);
        assertThatThrownBy(() -> Signal.parse("{\"id\":\"p\",\"type\":\"pause\",\"data\":{\"all\":true}}", 0))
                .isInstanceOf(Signal.Malformed.class);
    }

    @Test
    void malformedSignalsNameTheirIdButNeverTheirText() {
        String secretish = "sk-live-DO-NOT-LOG";
        for (String json : List.of("{" + secretish, "[\"" + secretish + "\"]", "{\"type\":\"restream\",\"data\":{\"all\":true},\"x\":\"" + secretish + "\"}",
                "{\"id\":\"m1\",\"type\":\"" + secretish + "\",\"data\":{}}",
                "{\"id\":\"m2\",\"type\":\"restream\",\"data\":{\"users\":[\"u1\"],\"all\":true}}",
                "{\"id\":\"m3\",\"type\":\"restream\",\"data\":{\"users\":\"" + secretish + "\"}}")) {
            assertThatThrownBy(() -> Signal.parse(json, 3)).isInstanceOf(Signal.Malformed.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secretish));
        }
        assertThatThrownBy(() -> Signal.parse("{\"id\":\"m1\",\"type\":\"explode\",\"data\":{}}", 3))
                .isInstanceOfSatisfying(Signal.Malformed.class, e -> assertThat(e.signalId()).isEqualTo("m1"));
        assertThatThrownBy(() -> Signal.parse(null, 3)).isInstanceOf(Signal.Malformed.class);
    }
}
