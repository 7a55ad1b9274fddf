package io.memoram.connect.emulator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator as a process: {@code mvn -Pemulator} (defaults: --port 8089 --seed; override with
 * -Demulator.args="..."). Options: --port N (default 8089, 0 = any free port), --seed, --state-file FILE,
 * --token-ttl SECONDS, --page-cap N, --latency-ms N (every API call answers after N ms), --host H (default 127.0.0.1; the admin interface has no authentication).
 */
public final class MemoramEmulatorMain {
    static final int DEFAULT_PORT = 8089;

    /** Parsed command line. */
    record Options(String host, int port, boolean seed, Path stateFile, Duration tokenTtl, Integer pageCap, Duration latency) {
        static Options parse(String[] args) {
            String host = MemoramEmulator.DEFAULT_HOST;
            int port = DEFAULT_PORT;
            boolean seed = false;
            Path stateFile = null;
            Duration ttl = null;
            Integer pageCap = null;
            Duration latency = Duration.ZERO;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--seed":
                        seed = true;
                        break;
                    case "--port":
                        port = intValue(a, value(args, ++i, a), 0, 65535);
                        break;
                    case "--host":
                        host = value(args, ++i, a);
                        break;
                    case "--state-file":
                        stateFile = Path.of(value(args, ++i, a));
                        break;
                    case "--token-ttl":
                        ttl = Duration.ofSeconds(intValue(a, value(args, ++i, a), 1, Integer.MAX_VALUE));
                        break;
                    case "--page-cap":
                        pageCap = intValue(a, value(args, ++i, a), 1, Integer.MAX_VALUE);
                        break;
                    case "--latency-ms":
                        latency = Duration.ofMillis(intValue(a, value(args, ++i, a), 0, 600_000));
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + a);
                }
            }
            return new Options(host, port, seed, stateFile, ttl, pageCap, latency);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static int intValue(String option, String v, int min, int max) {
            try {
                int n = Integer.parseInt(v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(option + " must be an integer in " + min + ".." + max + ", got '" + v + "'");
        }
    }

    private MemoramEmulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("memoram-emulator: " + e.getMessage());
            System.err.println("usage: [--port N] [--seed] [--state-file FILE] [--token-ttl SECONDS] [--page-cap N] [--host H] [--latency-ms N]");
            System.exit(2);
            return;
        }
        MemoramEmulator emu = launch(options, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(emu::close, "memoram-emulator-shutdown"));
        new CountDownLatch(1).await();
    }

    /** Starts, seeds, writes the state file and prints the banner; the caller owns the returned emulator. */
    static MemoramEmulator launch(Options options, PrintStream out) throws IOException {
        MemoramEmulator emu = MemoramEmulator.start(options.host(), options.port());
        try {
            if (options.tokenTtl() != null) {
                emu.tokenTtl(options.tokenTtl());
            }
            if (options.pageCap() != null) {
                emu.pageCap(options.pageCap());
            }
            DemoSeed.Result seeded = options.seed() ? DemoSeed.seed(emu) : null;
            if (options.stateFile() != null) {
                writeStateFile(options.stateFile(), emu, seeded);
            }
            out.print(banner(emu, seeded, options));
            out.flush();
            return emu;
        } catch (IOException | RuntimeException e) {
            emu.close();
            throw e;
        }
    }

    /** JSON for the demo and for users: where the emulator is, the API key, and per user its request. */
    static void writeStateFile(Path file, MemoramEmulator emu, DemoSeed.Result seeded) throws IOException {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("base_url", emu.baseUrl());
        s.put("admin_url", emu.adminUrl());
        s.put("oauth_token_url", emu.oauthTokenUrl());
        s.put("api_key", seeded == null ? null : seeded.apiKey());
        List<Map<String, Object>> users = new ArrayList<>();
        if (seeded != null) {
            for (DemoSeed.SeededUser u : seeded.users()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", u.name());
                m.put("user_id", u.user().userId());
                m.put("memory_key", u.user().memoryKey());
                m.put("access_request_id", u.requestId());
                m.put("status", u.status());
                m.put("blobs", u.blobs());
                users.add(m);
            }
        }
        s.put("users", users);
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        // Written aside and moved so a reader polling for the file never sees half of it.
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(s));
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String banner(MemoramEmulator emu, DemoSeed.Result seeded, Options options) {
        StringBuilder b = new StringBuilder();
        b.append("\nMemoram emulator running (in memory, for local use only)\n");
        b.append("  API          ").append(emu.baseUrl()).append('\n');
        b.append("  OAuth token  ").append(emu.oauthTokenUrl()).append('\n');
        b.append("  Admin        ").append(emu.adminUrl()).append("   (no authentication; GET it for the endpoint list)\n");
        if (seeded != null) {
            b.append("  API key      ").append(seeded.apiKey()).append('\n');
            b.append("  Users\n");
            String pending = null;
            for (DemoSeed.SeededUser u : seeded.users()) {
                b.append(String.format("    %-6s user_id=%s  access request %s  %s  (%d memories)%n",
                        u.name(), u.user().userId(), u.requestId(), u.status(), u.blobs()));
                if (EmulatedAccessRequest.PENDING.equals(u.status())) {
                    pending = u.requestId();
                }
            }
            if (pending != null) {
                b.append("  Approve the pending request (as the user would in the dashboard):\n");
                b.append("    curl -X POST ").append(emu.adminUrl()).append("/access-requests/").append(pending).append("/approve\n");
            }
        } else {
            b.append("  No data yet: curl -X POST ").append(emu.adminUrl()).append("/api-keys   (or start with --seed)\n");
        }
        if (options.stateFile() != null) {
            b.append("  State file   ").append(options.stateFile().toAbsolutePath()).append('\n');
        }
        b.append("Press Ctrl+C to stop.\n");
        return b.toString();
    }
}
