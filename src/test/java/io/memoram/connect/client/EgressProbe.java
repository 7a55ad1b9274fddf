package io.memoram.connect.client;

import io.memoram.connect.config.MemoramSourceConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Lists the access requests with a client built from connector settings, in a JVM of its own (for
 * JVM-wide JDK properties a test must not set on the shared test JVM). Prints "requests=N".
 */
public final class EgressProbe {
    private EgressProbe() { }

    public static void main(String[] args) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, String> settings = (Map<String, String>) new ObjectInputStream(
                new ByteArrayInputStream(Base64.getDecoder().decode(args[0]))).readObject();
        try (MemoramClient client = MemoramClient.create(new MemoramSourceConfig(settings).clientConfig(RequestListener.NONE))) {
            System.out.println("requests=" + client.listAccessRequests().size());
        }
    }

    /** Runs {@link #main} in a new JVM with {@code jvmFlags}; returns its last line of output. */
    static String run(Map<String, String> settings, String... jvmFlags) throws IOException, InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new HashMap<>(settings));
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), EgressProbe.class.getName(),
                Base64.getEncoder().encodeToString(bytes.toByteArray())));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("probe failed: " + output);
        }
        String[] lines = output.strip().split("\\R");
        return lines[lines.length - 1];
    }
}
