package io.memoram.connect.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What tests do as a user would in the app (tag edits and deletions) and the per-user request log. */
class EmulatorUserEditsTest extends FreshEmulatorTest {
    @Test
    void aTagEditMovesUpdatedAtAndADeletedTagLeavesTheListing() {
        EmulatedUser u = emu.createUser();
        String blob = emu.putBlob(u.userId(), "x", "t", List.of("work", "home"));
        StoredTag work = emu.tags(u.userId()).stream().filter(t -> t.name().equals("work")).findFirst().orElseThrow();

        StoredTag edited = emu.editTag(u.userId(), work.id(), "new description", "#112233");
        assertThat(edited.updatedAt()).isAfter(work.updatedAt());
        assertThat(emu.tags(u.userId())).contains(edited).doesNotContain(work);

        emu.retagBlob(u.userId(), blob, List.of("home"));
        assertThat(emu.deleteTag(u.userId(), "work")).isTrue();
        assertThat(emu.tags(u.userId())).extracting(StoredTag::name).containsExactly("home");
    }

    @Test
    void requestsAreCountedPerUser() {
        String apiKey = emu.createApiKey();
        EmulatedUser one = emu.createUser();
        EmulatedUser two = emu.createUser();
        emu.grantAccess(apiKey, one);
        emu.grantAccess(apiKey, two);
        String token = http.token(apiKey);
        http.api("GET", "/memory-blobs?user_id=" + one.userId(), token, null);
        http.api("GET", "/memory-blobs?user_id=" + one.userId() + "&limit=2", token, null);
        http.api("GET", "/tags?user_id=" + two.userId(), token, null);

        assertThat(emu.requestCount("GET", "/memory-blobs", one.userId())).isEqualTo(2);
        assertThat(emu.requestCount("GET", "/memory-blobs", two.userId())).isZero();
        assertThat(emu.requestCount("GET", "/tags", two.userId())).isEqualTo(1);
        assertThat(emu.requestCount(null, null, one.userId())).isEqualTo(2);
    }
}
