package io.memoram.connect.demo;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Three people and their memories, seeded into the emulator (content sealed with each one's key). */
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
    static final List<String[]> KATHERINE_MEMORIES = List.of(
            new String[] {"Orbits", "Checks every trajectory by hand before she trusts the machine's numbers.", "work"},
            new String[] {"Schedule", "Reads to her daughters every evening at eight.", "family"});
    static final List<String[]> CHAT_MESSAGES = List.of(
            new String[] {"chat-ada-1", "Ada", "Chat: renaming the engine", "Decided to call the second machine the Difference Engine No. 2."},
            new String[] {"chat-ada-2", "Ada", "Chat: deadline", "Moved the notes deadline to Monday after the review."},
            new String[] {"chat-grace-1", "Grace", "Chat: debugging", "Found a moth in relay 70, panel F; logged as the first actual bug."});

    final Person ada;
    final Person grace;
    /** Signs up while the pipeline runs: nobody lists her anywhere. */
    final Person katherine;
    /** blob id -> [person, title, plaintext] of Ada's and Grace's seeded memories. */
    final Map<String, String[]> seeded = new LinkedHashMap<>();
    /** The same for Katherine's. */
    final Map<String, String[]> seededLater = new LinkedHashMap<>();

    DemoData(MemoramEmulator emulator) {
        ada = new Person("Ada", emulator.createUser());
        grace = new Person("Grace", emulator.createUser());
        katherine = new Person("Katherine", emulator.createUser());
        seed(emulator, ada, ADA_MEMORIES, seeded);
        seed(emulator, grace, GRACE_MEMORIES, seeded);
        seed(emulator, katherine, KATHERINE_MEMORIES, seededLater);
    }

    private static void seed(MemoramEmulator emulator, Person person, List<String[]> memories, Map<String, String[]> into) {
        for (String[] m : memories) {
            String id = emulator.putBlob(person.user().userId(), m[1], m[0], m[2]);
            into.put(id, new String[] {person.name(), m[0], m[1]});
        }
    }

    Person byName(String name) {
        return name.equals(ada.name()) ? ada : grace;
    }

    String nameOf(String userId) {
        for (Person p : List.of(ada, grace, katherine)) {
            if (p.user().userId().equals(userId)) {
                return p.name();
            }
        }
        return userId;
    }
}
