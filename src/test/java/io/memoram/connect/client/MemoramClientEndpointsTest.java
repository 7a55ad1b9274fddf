package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memoram.connect.client.model.AccessRequest;
import io.memoram.connect.client.model.AccessStatus;
import io.memoram.connect.client.model.BlobQuery;
import io.memoram.connect.client.model.Credentials;
import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.client.model.MemoryBlobPage;
import io.memoram.connect.client.model.MemoryBlobPatch;
import io.memoram.connect.client.model.NewMemoryBlob;
import io.memoram.connect.client.model.Tag;
import io.memoram.connect.client.model.TokenResponse;
import io.memoram.connect.client.model.WrittenBlob;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.emulator.StoredBlob;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every endpoint of docs/memoram-api.md against the emulator over real HTTP. */
class MemoramClientEndpointsTest {
    /** Started with the class, closed after all its tests. */
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private String apiKey;
    private EmulatedUser user;
    private String requestId;
    private MemoramClient client;

    @BeforeEach
    void setUp() {
        emu.faults().clear();
        emu.pageCap(50);
        apiKey = emu.createApiKey();
        user = emu.createUser();
        requestId = emu.grantAccess(apiKey, user);
        client = MemoramClient.create(Clients.fast(emu, apiKey).build());
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    @Test
    void issuesATokenOnRequest() {
        TokenResponse t = client.issueToken();
        assertThat(t.token()).isNotBlank();
        assertThat(t.tokenType()).isEqualTo("Bearer");
        assertThat(t.expiresAt()).isAfter(Instant.now());
        assertThat(t.toString()).doesNotContain(t.token());
    }

    @Test
    void accessRequestsCanBeFiledListedReadAndRedeemed() {
        EmulatedUser other = emu.createUser();
        AccessRequest created = client.createAccessRequest(Secret.of(other.memoryKey()), "Stream memories to Kafka");
        assertThat(created.id()).isNotBlank();
        assertThat(created.status()).isEqualTo(AccessStatus.PENDING);
        assertThat(created.reason()).isEqualTo("Stream memories to Kafka");
        assertThat(created.toString()).doesNotContain(other.memoryKey());

        assertThat(client.listAccessRequests()).extracting(AccessRequest::id).contains(created.id(), requestId);
        assertThat(client.getAccessRequest(created.id()).status()).isEqualTo(AccessStatus.PENDING);

        assertThatThrownBy(() -> client.getCredentials(created.id()))
                .isInstanceOf(MemoramAccessDeniedException.class)
                .hasMessageStartingWith("GET /access-requests/{id}/credentials failed: HTTP 403");

        emu.approve(created.id());
        AccessRequest approved = client.getAccessRequest(created.id());
        assertThat(approved.status()).isEqualTo(AccessStatus.APPROVED);
        assertThat(approved.userId()).isEqualTo(other.userId());
        Credentials c = client.getCredentials(created.id());
        assertThat(c.userId()).isEqualTo(other.userId());
        assertThat(c.memoryKey()).isEqualTo(other.memoryKey());
        assertThat(new String(c.encryptionKey())).isEqualTo(other.encryptionKeyHex());
        assertThat(c.keyVersion()).isEqualTo(other.keyVersion());

        emu.revoke(created.id());
        assertThatThrownBy(() -> client.getCredentials(created.id())).isInstanceOf(MemoramAccessDeniedException.class);
        assertThatThrownBy(() -> client.getAccessRequest("cm8r8ny2i001mm24853tqfd62"))
                .isInstanceOf(MemoramNotFoundException.class)
                .hasMessageStartingWith("GET /access-requests/{id} failed: HTTP 404");
    }

    @Test
    void aTooLongReasonIsRefusedBeforeSending() {
        assertThatThrownBy(() -> client.createAccessRequest(Secret.of(user.memoryKey()), "x".repeat(256)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("255");
        assertThat(emu.requestCount("POST", "/access-requests")).isZero();
    }

    @Test
    void blobsCanBeCreatedReadPatchedAndDeleted() {
        String sealed = emu.seal(user.userId(), "remember the milk");
        WrittenBlob created = client.createMemoryBlob(new NewMemoryBlob(user.userId(), user.memoryKey(), sealed,
                "Groceries", "a note", List.of("home", "todo list"), 0.7, 0.9, "kafka-connect"));
        assertThat(created.id()).isNotBlank();

        MemoryBlob read = list(BlobQuery.DEFAULT).stream().filter(b -> b.id().equals(created.id())).findFirst().orElseThrow();
        assertThat(emu.decrypt(user.userId(), read.content())).isEqualTo("remember the milk");
        assertThat(read.title()).isEqualTo("Groceries");
        assertThat(read.summary()).isEqualTo("a note");
        assertThat(read.importance()).isEqualTo(0.7);
        assertThat(read.confidence()).isEqualTo(0.9);
        assertThat(read.source()).isEqualTo("kafka-connect");
        assertThat(read.tagIds()).hasSize(2);

        WrittenBlob patched = client.patchMemoryBlob(created.id(), new MemoryBlobPatch(user.userId(), user.memoryKey(),
                null, "Shopping", null, List.of("errands"), null, null, null));
        assertThat(patched.id()).isEqualTo(created.id());
        StoredBlob stored = emu.blob(user.userId(), created.id());
        assertThat(stored.title()).isEqualTo("Shopping");
        assertThat(stored.tags()).containsExactly("errands");
        assertThat(stored.summary()).isEqualTo("a note"); // untouched by the patch
        assertThat(stored.content()).isEqualTo(sealed);

        assertThat(client.deleteMemoryBlob(user.userId(), created.id())).isTrue();
        assertThat(emu.blob(user.userId(), created.id())).isNull();
        assertThat(client.deleteMemoryBlob(user.userId(), created.id())).isFalse(); // 404 counts as done
        assertThatThrownBy(() -> client.patchMemoryBlob(created.id(), new MemoryBlobPatch(user.userId(), user.memoryKey(),
                null, "gone", null, null, null, null, null)))
                .isInstanceOf(MemoramNotFoundException.class)
                .hasMessageStartingWith("PATCH /memory-blobs/{id} failed: HTTP 404")
                .satisfies(e -> assertThat(((MemoramException) e).call()).isEqualTo("PATCH /memory-blobs/{id}"));
    }

    @Test
    void writesWithTheWrongMemoryKeyAreRefusedWithoutRetry() {
        emu.resetRequestCounts();
        assertThatThrownBy(() -> client.createMemoryBlob(new NewMemoryBlob(user.userId(), "wrong-memory-key-123",
                "c", null, null, null, null, null, null)))
                .isInstanceOf(MemoramAccessDeniedException.class)
                .satisfies(e -> assertThat(((MemoramException) e).status()).isEqualTo(403))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-memory-key-123"));
        assertThat(emu.requestCount("POST", "/memory-blobs")).isEqualTo(1);
    }

    @Test
    void aMissingRequiredFieldIsABadRequest() {
        assertThatThrownBy(() -> client.createMemoryBlob(new NewMemoryBlob(user.userId(), user.memoryKey(),
                null, "no content", null, null, null, null, null)))
                .isInstanceOf(MemoramBadRequestException.class)
                .hasMessageStartingWith("POST /memory-blobs failed: HTTP 400");
    }

    @Test
    void readsOfAUserWithoutApprovedAccessAreDenied() {
        EmulatedUser stranger = emu.createUser();
        assertThatThrownBy(() -> client.listMemoryBlobs(stranger.userId(), null, null))
                .isInstanceOf(MemoramAccessDeniedException.class)
                .hasMessageStartingWith("GET /memory-blobs failed: HTTP 403");
    }

    @Test
    void listsPagesAndIteratesOverAllOfThemLazily() {
        emu.pageCap(7);
        Set<String> seeded = new HashSet<>();
        for (int i = 0; i < 45; i++) {
            seeded.add(emu.putBlob(user.userId(), "memory " + i, "title " + i, "bulk"));
        }
        MemoryBlobPage first = client.listMemoryBlobs(user.userId(), BlobQuery.ofLimit(100), null);
        assertThat(first.memoryBlobs()).hasSize(7); // the server caps the page
        assertThat(first.hasMore()).isTrue();

        emu.resetRequestCounts();
        Iterator<MemoryBlob> it = client.iterateMemoryBlobs(user.userId(), BlobQuery.ofLimit(100));
        assertThat(emu.requestCount("GET", "/memory-blobs")).as("nothing fetched before the first hasNext()").isZero();
        List<String> firstTen = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            firstTen.add(it.next().id());
        }
        assertThat(emu.requestCount("GET", "/memory-blobs")).as("two pages for ten blobs").isEqualTo(2);

        List<String> all = new ArrayList<>(firstTen);
        it.forEachRemaining(b -> all.add(b.id()));
        assertThat(all).hasSize(45).doesNotHaveDuplicates();
        assertThat(new HashSet<>(all)).isEqualTo(seeded);
        assertThat(emu.requestCount("GET", "/memory-blobs")).isEqualTo(7); // ceil(45 / 7)
        assertThat(it.hasNext()).isFalse();
    }

    @Test
    void queryParametersAreEncodedAndTagsCommaSeparated() {
        emu.putBlob(user.userId(), "a", "one", "work & life", "ünïcode");
        emu.putBlob(user.userId(), "b", "two", "work & life");
        emu.putBlob(user.userId(), "c", "what?&x=1 #3 + more", "other");
        String imp = emu.putBlob(user.userId(), "d", "four", null, List.of("x"), 0.9, null, null);

        List<MemoryBlob> byTag = list(new BlobQuery(50, List.of("work & life"), null, null));
        assertThat(byTag).extracting(MemoryBlob::title).containsExactlyInAnyOrder("one", "two");

        // The emulator requires every listed tag: only a correctly split and decoded pair matches "one".
        List<MemoryBlob> byTwoTags = list(new BlobQuery(50, List.of("work & life", "ünïcode"), null, null));
        assertThat(byTwoTags).extracting(MemoryBlob::title).containsExactly("one");

        List<MemoryBlob> important = list(new BlobQuery(50, List.of(), null, 0.8));
        assertThat(important).extracting(MemoryBlob::id).containsExactly(imp);

        List<MemoryBlob> searched = list(new BlobQuery(50, List.of(), "?&x=1 #3 + m", null));
        assertThat(searched).extracting(MemoryBlob::title).containsExactly("what?&x=1 #3 + more");
    }

    private List<MemoryBlob> list(BlobQuery q) {
        List<MemoryBlob> out = new ArrayList<>();
        client.iterateMemoryBlobs(user.userId(), q).forEachRemaining(out::add);
        return out;
    }

    @Test
    void tagsCanBeListed() {
        emu.putBlob(user.userId(), "a", "one", "alpha", "beta");
        List<Tag> tags = client.listTags(user.userId());
        assertThat(tags).extracting(Tag::name).containsExactlyInAnyOrder("alpha", "beta");
        Tag alpha = tags.stream().filter(t -> t.name().equals("alpha")).findFirst().orElseThrow();
        assertThat(alpha.createdAt()).isNotNull();
        assertThat(alpha.id()).isNotBlank();
    }
}
