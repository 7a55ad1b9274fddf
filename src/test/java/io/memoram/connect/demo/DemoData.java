package io.memoram.connect.demo;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Two people and their memories, seeded into the emulator (content sealed with each one's key). */
final class DemoData {
    record Person(String name, EmulatedUser user) { }

    static final List<String[]> ADA_MEMORIES = List.of(
            new String[] {"Answer style", "Prefers short answers with a worked example first.", "preferences"},
            new String[] {"Current project", "Writing the notes on the Analytical Engine; draft due Friday.", "work"},
            new String[] {"Health", "Allergic to peanuts: never suggest recipes with them.", "health"});
    static final List<String[]> GRACE_MEMORIES = List.of(
            new String[] {"Languages", "Writes COBOL at work and wants Python examples next to it.", "work"},
            new String[] {"Team", "Leads the compiler team of six; stand-up at 09:30.", "work"},
            new String[] {"Travel", "Flies to Arlington on the 14th; prefers aisle seats.", "travel"});
    static final List<String[]> CHAT_MESSAGES = List.of(
            new String[] {"chat-ada-1", "Ada", "Chat: renaming the engine", "Decided to call the second machine the Difference Engine No. 2."},
            new String[] {"chat-ada-2", "Ada", "Chat: deadline", "Moved the notes deadline to Monday after the review."},
            new String[] {"chat-grace-1", "Grace", "Chat: debugging", "Found a moth in relay 70, panel F; logged as the first actual bug."});

    final Person ada;
    final Person grace;
    /** blob id -> [person, title, plaintext] of everything seeded. */
    final Map<String, String[]> seeded = new LinkedHashMap<>();

    DemoData(MemoramEmulator emulator) {
        ada = new Person("Ada", emulator.createUser());
        grace = new Person("Grace", emulator.createUser());
        seed(emulator, ada, ADA_MEMORIES);
        seed(emulator, grace, GRACE_MEMORIES);
    }

    private void seed(MemoramEmulator emulator, Person person, List<String[]> memories) {
        for (String[] m : memories) {
            String id = emulator.putBlob(person.user().userId(), m[1], m[0], m[2]);
            seeded.put(id, new String[] {person.name(), m[0], m[1]});
        }
    }

    Person byName(String name) {
        return name.equals(ada.name()) ? ada : grace;
    }

    String nameOf(String userId) {
        return ada.user().userId().equals(userId) ? ada.name() : grace.user().userId().equals(userId) ? grace.name() : userId;
    }
}
