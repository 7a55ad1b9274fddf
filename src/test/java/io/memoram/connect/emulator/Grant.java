package io.memoram.connect.emulator;

/**
 * What most emulator-backed tests start from: a fresh developer API key and one user whose access
 * request for it is approved, with no fault pending from an earlier test.
 */
public record Grant(String apiKey, EmulatedUser user, String requestId) {
    /** Clears pending faults, then creates the API key, the user and the approved request. */
    public static Grant fresh(MemoramEmulator emu) {
        emu.faults().clear();
        String apiKey = emu.createApiKey();
        EmulatedUser user = emu.createUser();
        return new Grant(apiKey, user, emu.grantAccess(apiKey, user));
    }
}
