package io.memoram.connect.emulator;

import java.util.ArrayList;
import java.util.List;

/**
 * Demo data: one developer API key and three users with a few realistic memories each. Access
 * requests are filed for all three; two are approved and one is left pending, so the demo can show
 * an approval happening while the connector runs.
 */
final class DemoSeed {
    /** One seeded user: a display name for humans, the user, its access request and that request's status. */
    record SeededUser(String name, EmulatedUser user, String requestId, String status, int blobs) {
    }

    record Result(String apiKey, List<SeededUser> users) {
    }

    private DemoSeed() {
    }

    static Result seed(MemoramEmulator emu) {
        String apiKey = emu.createApiKey();
        List<SeededUser> users = new ArrayList<>();
        users.add(seedUser(emu, apiKey, "ada", true, new String[][] {
                {"Prefers tea over coffee", "Ada drinks green tea in the morning and avoids coffee after noon.", "preferences,food", "0.6"},
                {"Works on a Rust compiler", "Ada is a compiler engineer; currently working on borrow-checker diagnostics.", "work,programming", "0.9"},
                {"Trip to Lisbon in May", "Flights booked for 12-19 May; wants a quiet hotel in Alfama.", "travel", "0.7"},
                {"Allergic to peanuts", "Severe peanut allergy; always mention it when suggesting restaurants.", "health,food", "1.0"},
        }));
        users.add(seedUser(emu, apiKey, "ben", true, new String[][] {
                {"Training for a half marathon", "Runs four times a week; race in October, target time 1:45.", "health,sport", "0.8"},
                {"Learning Portuguese", "Studies 20 minutes a day; intermediate level, likes podcasts.", "learning", "0.5"},
                {"Daughter's birthday", "Mia turns seven on 3 March; loves dinosaurs and drawing.", "family", "0.9"},
        }));
        users.add(seedUser(emu, apiKey, "chloe", false, new String[][] {
                {"Vegetarian", "Chloe has been vegetarian for ten years; eats fish occasionally.", "food,preferences", "0.7"},
                {"Moving to Berlin", "Relocating in September for a new job at a climate start-up.", "work,life", "0.9"},
                {"Prefers concise answers", "Wants short answers with bullet points, no small talk.", "preferences", "0.6"},
        }));
        return new Result(apiKey, List.copyOf(users));
    }

    /** Each memory: title, plaintext content (also used to derive the summary), comma-separated tags, importance. */
    private static SeededUser seedUser(MemoramEmulator emu, String apiKey, String name, boolean approve, String[][] memories) {
        EmulatedUser user = emu.createUser();
        for (String[] m : memories) {
            String summary = m[1].length() > 60 ? m[1].substring(0, 57) + "..." : m[1];
            emu.putBlob(user.userId(), m[1], m[0], summary, List.of(m[2].split(",")), Double.valueOf(m[3]), 0.9,
                    "demo-seed");
        }
        String requestId = emu.requestAccess(apiKey, user);
        if (approve) {
            emu.approve(requestId);
        }
        return new SeededUser(name, user, requestId, emu.accessRequest(requestId).status(), memories.length);
    }
}
