package io.memoram.connect.e2e;

import io.memoram.connect.emulator.MemoramEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Setup and teardown that the end-to-end tests with their own stack and emulator share. */
final class E2eSetup {
    private E2eSetup() { }

    /**
     * A new work folder under target/ for one run ({@code dir} plus the time), announced as
     * {@code label}; Kafka's clients in this JVM log errors only, so the progress steps stay readable.
     */
    static Path workFolder(String dir, String label, Progress progress) {
        org.apache.logging.log4j.core.config.Configurator.setLevel("org.apache.kafka", org.apache.logging.log4j.Level.ERROR);
        Path work = ProjectPaths.targetDir().resolve(dir + "-" + System.currentTimeMillis());
        progress.step(label + ": work folder " + work);
        return work;
    }

    /**
     * Writes the API key where the example configs' secret references point to (see
     * {@link ExampleConfigs#withSecretsFile}), so the key never stands in a connector config.
     */
    static Path writeSecretsFile(Path work, String apiKey) throws IOException {
        Path secrets = work.resolve("secrets/memoram-secrets.properties");
        Files.createDirectories(secrets.getParent());
        Files.writeString(secrets, "api.key=" + apiKey + "\n");
        return secrets;
    }

    /** Stops the stack (workers before the broker), then the emulator; either may not have started. */
    static void stop(ConnectStack stack, MemoramEmulator emulator) {
        if (stack != null) {
            stack.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }
}
