package io.memoram.connect.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with the JDK's own keytool (no test
 * library needed): the server's key store and truststores holding only its certificate, in PKCS12
 * and JKS.
 */
public final class SelfSignedTls {
    public static final String PASSWORD = "changeit-test";
    private final Path dir;

    private SelfSignedTls(Path dir) {
        this.dir = dir;
    }

    /** Made once per JVM: four keytool processes take seconds on a loaded machine, and no test needs a key of its own. */
    private static Path generated;

    /**
     * The key pair and its truststores, in {@code dir}: copies of the ones this JVM generated first
     * (each test may still overwrite or corrupt its own copies).
     */
    public static SelfSignedTls create(Path dir) {
        Path source = generated();
        try {
            Files.createDirectories(dir);
            for (String file : FILES) {
                Files.copy(source.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new SelfSignedTls(dir);
    }

    private static final List<String> FILES = List.of("server.p12", "server.pem", "trust.pkcs12", "trust.jks");

    private static synchronized Path generated() {
        if (generated == null) {
            try {
                Path dir = Files.createTempDirectory("memoram-tls");
                generate(dir);
                for (String file : FILES) {
                    dir.resolve(file).toFile().deleteOnExit();
                }
                dir.toFile().deleteOnExit();
                generated = dir;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return generated;
    }

    /** Generates the key pair and its truststores in {@code dir}. */
    private static void generate(Path dir) {
        SelfSignedTls t = new SelfSignedTls(dir);
        t.keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=memoram-emulator",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", t.keyStore().toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        t.keytool("-exportcert", "-alias", "server", "-keystore", t.keyStore().toString(), "-storepass", PASSWORD,
                "-rfc", "-file", dir.resolve("server.pem").toString());
        for (String type : List.of("PKCS12", "JKS")) {
            t.keytool("-importcert", "-noprompt", "-alias", "emulator", "-file", dir.resolve("server.pem").toString(),
                    "-storetype", type, "-keystore", t.trustStore(type).toString(), "-storepass", PASSWORD);
        }
    }

    public Path keyStore() {
        return dir.resolve("server.p12");
    }

    /** A truststore of {@code type} (PKCS12 or JKS) holding the server's certificate. */
    public Path trustStore(String type) {
        return dir.resolve("trust." + type.toLowerCase(java.util.Locale.ROOT));
    }

    /** The server side: the key and certificate, for {@link MemoramEmulator#startHttps}. */
    public SSLContext serverContext() {
        try (InputStream in = Files.newInputStream(keyStore())) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD.toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD.toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the test key store", e);
        }
    }

    private void keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
