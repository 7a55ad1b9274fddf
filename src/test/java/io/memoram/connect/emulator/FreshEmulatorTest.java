package io.memoram.connect.emulator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A new emulator for every test, with an HTTP client on it: the emulator's own tests count users,
 * keys and requests from zero, so no test may see another's state.
 */
abstract class FreshEmulatorTest {
    protected MemoramEmulator emu;
    protected EmulatorHttp http;

    @BeforeEach
    void startEmulator() {
        emu = MemoramEmulator.start();
        http = new EmulatorHttp(emu);
    }

    @AfterEach
    void closeEmulator() {
        emu.close();
    }
}
