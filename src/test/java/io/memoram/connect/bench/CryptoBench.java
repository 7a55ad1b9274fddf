package io.memoram.connect.bench;

import io.memoram.connect.crypto.ContentCipher;
import io.memoram.connect.crypto.ContentCiphers;
import io.memoram.connect.crypto.CryptoBenchAccess;
import io.memoram.connect.crypto.EncryptionKey;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * aes-gcm with an AES-256 key, seal (UTF-8 encode, random nonce, encrypt, Base64) and open (Base64
 * decode, decrypt and verify, strict UTF-8 decode), i.e. what the sink does per record and the source
 * per changed blob, on each candidate implementation, in the same run so the ratios hold on a noisy machine:
 *
 * <ul>
 *   <li>{@code plugin}: {@code ContentCiphers.forName("aes-gcm")} as shipped (the JVM's AES/GCM/NoPadding,
 *       one Cipher per thread);
 *   <li>{@code before}: the code before this engine existed, copied here unchanged (Bouncy Castle's
 *       lightweight GCM, new instances per call, a CharsetDecoder per open): the baseline of the ratio;
 *   <li>{@code fallback}: the plugin's Bouncy Castle fallback (used when the JVM lacks AES-GCM);
 *   <li>{@code jdkPerCall}: the JVM's AES-GCM with {@code Cipher.getInstance} and a {@code SecretKeySpec} per call;
 *   <li>{@code bcLtsNative}: Bouncy Castle's LTS line ({@code bcprov-lts8on}) with its native AES-GCM, one
 *       instance reused, loaded from the local Maven repository in a class loader of its own (its packages
 *       clash with the plugin's {@code bcprov-jdk18on}); skipped when the jar is not there.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CryptoBench {
    static final String BEGIN = "<!-- crypto:begin -->";
    static final String END = "<!-- crypto:end -->";
    static final String LTS_VERSION = "2.73.8";
    private static final double MIB = 1024.0 * 1024.0;

    /** Plaintext size in bytes (text, so also its UTF-8 length). */
    @Param({"1024", "65536"})
    public int size;

    private final ContentCipher plugin = ContentCiphers.forName(ContentCiphers.AES_GCM);
    private final ContentCipher fallback = CryptoBenchAccess.bouncyCastleFallback();
    private final Before before = new Before();
    private final SecureRandom random = new SecureRandom();
    private EncryptionKey key;
    private byte[] keyBytes;
    private String plaintext;
    private String sealed;
    private LtsNativeGcm lts;

    @Setup
    public void setup() throws Throwable {
        Random r = new Random(42);
        keyBytes = new byte[32];
        r.nextBytes(keyBytes);
        key = EncryptionKey.fromHex(HexFormat.of().formatHex(keyBytes), 1);
        plaintext = BenchData.text(size, r);
        sealed = plugin.seal(plaintext, key);
        Path jar = ltsJar();
        if (Files.isRegularFile(jar)) {
            lts = new LtsNativeGcm(jar);
        }
        // Every candidate must read what the plugin seals and vice versa: same format, or the row is meaningless.
        for (String s : List.of(before.seal(plaintext, keyBytes), fallback.seal(plaintext, key), sealJdkPerCall(),
                lts == null ? sealed : sealBcLtsNative())) {
            if (!plugin.open(s, key).equals(plaintext)) {
                throw new IllegalStateException("a candidate's output does not open with the plugin");
            }
        }
        if (!before.open(sealed, keyBytes).equals(plaintext) || (lts != null && !openBcLtsNative().equals(plaintext))) {
            throw new IllegalStateException("a candidate cannot open the plugin's output");
        }
    }

    @Benchmark
    public String sealPlugin() {
        return plugin.seal(plaintext, key);
    }

    @Benchmark
    public String openPlugin() {
        return plugin.open(sealed, key);
    }

    @Benchmark
    public String sealBefore() {
        return before.seal(plaintext, keyBytes);
    }

    @Benchmark
    public String openBefore() {
        return before.open(sealed, keyBytes);
    }

    @Benchmark
    public String sealFallback() {
        return fallback.seal(plaintext, key);
    }

    @Benchmark
    public String openFallback() {
        return fallback.open(sealed, key);
    }

    @Benchmark
    public String sealJdkPerCall() throws GeneralSecurityException {
        byte[] data = plaintext.getBytes(StandardCharsets.UTF_8);
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        byte[] out = new byte[12 + data.length + 16];
        System.arraycopy(nonce, 0, out, 0, 12);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keyBytes, "AES"), new GCMParameterSpec(128, out, 0, 12));
        gcm.doFinal(data, 0, data.length, out, 12);
        return Base64.getEncoder().encodeToString(out);
    }

    @Benchmark
    public String openJdkPerCall() throws GeneralSecurityException {
        byte[] raw = Base64.getDecoder().decode(sealed);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keyBytes, "AES"), new GCMParameterSpec(128, raw, 0, 12));
        return strictUtf8(gcm.doFinal(raw, 12, raw.length - 12));
    }

    @Benchmark
    public String sealBcLtsNative() throws Throwable {
        byte[] data = plaintext.getBytes(StandardCharsets.UTF_8);
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        byte[] out = new byte[12 + data.length + 16];
        System.arraycopy(nonce, 0, out, 0, 12);
        lts.crypt(true, keyBytes, nonce, data, 0, data.length, out, 12);
        return Base64.getEncoder().encodeToString(out);
    }

    @Benchmark
    public String openBcLtsNative() throws Throwable {
        byte[] raw = Base64.getDecoder().decode(sealed);
        byte[] out = new byte[raw.length - 28];
        lts.crypt(false, keyBytes, Arrays.copyOf(raw, 12), raw, 12, raw.length - 12, out, 0);
        return strictUtf8(out);
    }

    private static String strictUtf8(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') >= 0) {
            throw new IllegalStateException("not UTF-8");
        }
        return text;
    }

    static Path ltsJar() {
        String configured = System.getProperty("bench.bc.lts.jar");
        return configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".m2", "repository",
                "org", "bouncycastle", "bcprov-lts8on", LTS_VERSION, "bcprov-lts8on-" + LTS_VERSION + ".jar");
    }

    /** The aes-gcm code as it was before the JVM engine, unchanged but for the key arriving as bytes. */
    static final class Before {
        private final SecureRandom random = new SecureRandom();

        String seal(String plaintext, byte[] key) {
            byte[] nonce = new byte[12];
            random.nextBytes(nonce);
            byte[] data = plaintext.getBytes(StandardCharsets.UTF_8);
            GCMModeCipher gcm = init(true, key, nonce);
            byte[] sealed = new byte[gcm.getOutputSize(data.length)];
            int n = gcm.processBytes(data, 0, data.length, sealed, 0);
            try {
                n += gcm.doFinal(sealed, n);
            } catch (InvalidCipherTextException e) {
                throw new IllegalStateException(e);
            }
            byte[] out = new byte[12 + n];
            System.arraycopy(nonce, 0, out, 0, 12);
            System.arraycopy(sealed, 0, out, 12, n);
            Arrays.fill(data, (byte) 0);
            return Base64.getEncoder().encodeToString(out);
        }

        String open(String content, byte[] key) {
            byte[] raw = Base64.getDecoder().decode(content);
            byte[] nonce = Arrays.copyOfRange(raw, 0, 12);
            byte[] sealed = Arrays.copyOfRange(raw, 12, raw.length);
            GCMModeCipher gcm = init(false, key, nonce);
            byte[] data = new byte[gcm.getOutputSize(sealed.length)];
            int n = gcm.processBytes(sealed, 0, sealed.length, data, 0);
            try {
                n += gcm.doFinal(data, n);
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data, 0, n)).toString();
            } catch (InvalidCipherTextException | CharacterCodingException e) {
                throw new IllegalStateException(e);
            } finally {
                Arrays.fill(data, (byte) 0);
            }
        }

        private static GCMModeCipher init(boolean forEncryption, byte[] key, byte[] nonce) {
            byte[] keyBytes = key.clone();
            try {
                GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
                gcm.init(forEncryption, new AEADParameters(new KeyParameter(keyBytes), 128, nonce));
                return gcm;
            } finally {
                Arrays.fill(keyBytes, (byte) 0);
            }
        }
    }

    /** bcprov-lts8on's GCM (native where its library loads) through method handles, from its own class loader. */
    static final class LtsNativeGcm {
        private final Object gcm;
        private final String implementation;
        private final MethodHandle keyParameter;
        private final MethodHandle aeadParameters;
        private final MethodHandle init;
        private final MethodHandle processBytes;
        private final MethodHandle doFinal;

        LtsNativeGcm(Path jar) throws Exception {
            ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> blockCipher = loader.loadClass("org.bouncycastle.crypto.BlockCipher");
            Object engine = loader.loadClass("org.bouncycastle.crypto.engines.AESEngine").getMethod("newInstance").invoke(null);
            gcm = loader.loadClass("org.bouncycastle.crypto.modes.GCMBlockCipher").getMethod("newInstance", blockCipher)
                    .invoke(null, engine);
            implementation = gcm.getClass().getSimpleName();
            Class<?> aead = loader.loadClass("org.bouncycastle.crypto.modes.AEADCipher");
            Class<?> params = loader.loadClass("org.bouncycastle.crypto.CipherParameters");
            Class<?> keyParam = loader.loadClass("org.bouncycastle.crypto.params.KeyParameter");
            keyParameter = lookup.unreflectConstructor(keyParam.getConstructor(byte[].class));
            aeadParameters = lookup.unreflectConstructor(loader.loadClass("org.bouncycastle.crypto.params.AEADParameters")
                    .getConstructor(keyParam, int.class, byte[].class));
            init = lookup.unreflect(aead.getMethod("init", boolean.class, params));
            processBytes = lookup.unreflect(aead.getMethod("processBytes", byte[].class, int.class, int.class, byte[].class, int.class));
            doFinal = lookup.unreflect(aead.getMethod("doFinal", byte[].class, int.class));
        }

        void crypt(boolean encrypt, byte[] key, byte[] nonce, byte[] in, int inOff, int inLen, byte[] out, int outOff)
                throws Throwable {
            Object k = keyParameter.invoke(key);
            init.invoke(gcm, encrypt, aeadParameters.invoke(k, 128, nonce));
            int n = (int) processBytes.invoke(gcm, in, inOff, inLen, out, outOff);
            doFinal.invoke(gcm, out, outOff + n);
        }

        String implementation() {
            return implementation;
        }
    }

    // ------------------------------------------------------------------ CPU per operation, alternating

    /** CPU time per operation of one candidate, from {@link #cpuPerOp()}. */
    record Cpu(String operation, String candidate, int size, double micros) { }

    /**
     * Seal and open of 1 KiB on the plugin and on the code before, measured in the bench's own JVM by the
     * thread's CPU time (not wall time), in alternating rounds: on shared cores the wall-clock rate of one
     * JMH benchmark depends on what else ran during its seconds, the CPU per operation much less.
     */
    static List<Cpu> cpuPerOp() throws Exception {
        List<Cpu> out = new ArrayList<>(cpuPerOp(1024, 24));
        out.addAll(cpuPerOp(65536, 12));
        return out;
    }

    static List<Cpu> cpuPerOp(int size, int rounds) throws Exception {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        CryptoBench b = new CryptoBench();
        b.size = size;
        try {
            b.setup();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        List<String> names = List.of("sealPlugin", "sealBefore", "openPlugin", "openBefore");
        List<java.util.concurrent.Callable<String>> ops = List.of(b::sealPlugin, b::sealBefore, b::openPlugin, b::openBefore);
        long[] cpu = new long[ops.size()];
        long[] count = new long[ops.size()];
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < ops.size(); i++) {
                long startCpu = threads.getCurrentThreadCpuTime();
                long end = System.nanoTime() + 250_000_000L;
                long n = 0;
                while (System.nanoTime() < end) {
                    ops.get(i).call();
                    n++;
                }
                if (round >= 4) { // the first rounds warm the JIT up
                    cpu[i] += threads.getCurrentThreadCpuTime() - startCpu;
                    count[i] += n;
                }
            }
        }
        List<Cpu> out = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            String name = names.get(i);
            out.add(new Cpu(name.startsWith("seal") ? "seal" : "open", name.endsWith("Plugin") ? "plugin" : "before", size,
                    cpu[i] / 1000.0 / count[i]));
        }
        return out;
    }

    // ------------------------------------------------------------------ report

    /** The block of docs/benchmarks.md for these results (between {@link #BEGIN} and {@link #END}). */
    static String section(Collection<RunResult> jmh, List<Cpu> cpu) {
        String ltsNote = ltsNote();
        List<RunResult> rows = new ArrayList<>();
        for (RunResult r : jmh) {
            if (r.getParams().getBenchmark().contains(".CryptoBench.")) {
                rows.add(r);
            }
        }
        StringBuilder md = new StringBuilder();
        md.append(BEGIN).append("\n");
        md.append("## 1. Content encryption: aes-gcm, AES-256\n\n");
        md.append("<!-- Generated by `mvn -B -Pbench` or `mvn -B -Pbench -Dbench.only=crypto` (io.memoram.connect.bench.CryptoBench). -->\n\n");
        md.append("*seal* = UTF-8 encode, fresh random 12-byte nonce (`SecureRandom`), AES-GCM encrypt with 128-bit tag, Base64: what\n");
        md.append("the sink does once per record. *open* = Base64 decode, decrypt and verify the tag, strict UTF-8 decode: what the\n");
        md.append("source does once per new or changed blob. MiB/s counts plaintext bytes. All candidates produce and read the same\n");
        md.append("format (the bench checks it in its setup), one thread, same run:\n\n");
        md.append("- *plugin*: `ContentCiphers.forName(\"aes-gcm\")` as shipped; here it ran on ").append(pluginEngine())
                .append(",\n  one `Cipher` per thread re-initialized per call (SunJCE uses the AES-NI and CLMUL instructions);\n");
        md.append("- *before*: the code before that change, copied into the bench unchanged: Bouncy Castle's lightweight GCM, new\n");
        md.append("  instances per call (its GCM tables rebuilt every time), a `CharsetDecoder` per open;\n");
        md.append("- *Bouncy Castle fallback*: the plugin's engine on a JVM without a usable AES-GCM (a FIPS-configured one can be);\n");
        md.append("- *JDK, Cipher per call*: `Cipher.getInstance` and a `SecretKeySpec` per call;\n");
        md.append("- *Bouncy Castle LTS native*: `bcprov-lts8on` ").append(LTS_VERSION)
                .append(" with its native AES-GCM, one instance reused (its best case).").append(ltsNote).append("\n\n");
        md.append("| operation | candidate | content | ops/s | MiB/s of plaintext | vs before |\n|---|---|---:|---:|---:|---:|\n");
        String[][] candidates = {{"Plugin", "plugin"}, {"Before", "before"}, {"Fallback", "Bouncy Castle fallback"},
            {"JdkPerCall", "JDK, Cipher per call"}, {"BcLtsNative", "Bouncy Castle LTS native"}};
        List<String> targets = new ArrayList<>();
        for (String op : List.of("seal", "open")) {
            for (int size : new int[] {1024, 65536}) {
                RunResult base = find(rows, op + "Before", size);
                for (String[] c : candidates) {
                    RunResult r = find(rows, op + c[0], size);
                    if (r == null) {
                        continue;
                    }
                    Result<?> p = r.getPrimaryResult();
                    String ratio = base == null ? "–" : String.format(Locale.ROOT, "%.1fx", p.getScore() / base.getPrimaryResult().getScore());
                    md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s ± %s | %.1f | %s |\n", op, c[1], BenchReport.kib(size),
                            BenchReport.grouped(p.getScore()), BenchReport.grouped(p.getScoreError()), p.getScore() * size / MIB, ratio));
                    if (c[0].equals("Plugin") && size == 1024) {
                        targets.add(op + " " + ratio);
                    }
                }
            }
        }
        md.append("\nTarget (issue 17): seal and open of 1 KiB at least 4x the rate before, in the same run. This run, by JMH's\n")
                .append("wall-clock rates above: ").append(String.join(", ", targets)).append(".");
        if (!cpu.isEmpty()) {
            md.append(" By CPU time per operation (next table): ").append(cpuRatio(cpu, "seal", 1024)).append(", ")
                    .append(cpuRatio(cpu, "open", 1024)).append(".\n\n");
            md.append("CPU time per operation, measured in the bench's own JVM from the thread's CPU time (not wall time) in\n");
            md.append("alternating rounds of 0.25 s per candidate after 4 warm-up rounds (20 rounds at 1 KiB, 8 at 64 KiB), so both\n");
            md.append("candidates see the same load; on shared cores this compares better than the wall-clock rates above:\n\n");
            md.append("| operation | content | plugin, µs CPU | before, µs CPU | before / plugin |\n|---|---:|---:|---:|---:|\n");
            for (String op : List.of("seal", "open")) {
                for (int size : new int[] {1024, 65536}) {
                    double plugin = cpuMicros(cpu, op, "plugin", size);
                    double before = cpuMicros(cpu, op, "before", size);
                    if (!Double.isNaN(plugin)) {
                        md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1fx |\n", op, BenchReport.kib(size),
                                plugin, before, before / plugin));
                    }
                }
            }
        }
        md.append("\n\n");
        md.append("At 1 KiB, reusing one `Cipher` per thread is what makes the JVM's engine fast: it saves the provider lookup of\n");
        md.append("`Cipher.getInstance` and, since a user's key rarely changes, SunJCE's key expansion (compare *JDK, Cipher per\n");
        md.append("call*). The rest of a call is UTF-8 encoding, the nonce's 12 random bytes and Base64.\n\n");
        md.append("At 64 KiB the wall-clock rows carry the load of the shared cores and the JIT's warm-up (their ± is often\n");
        md.append("larger than the value); the CPU table compares better. SunJCE's fast AES-GCM path runs only once C2 has compiled\n");
        md.append("it: with 64 KiB inputs that took a few seconds on these loaded cores (a plain loop on JDK 17.0.15 went from\n");
        md.append("0.09 GB/s per CPU-second in its first 3 seconds to 5.6 GB/s from the 6th on), longer than a JMH warm-up here.\n");
        md.append("A worker runs for hours, so it is the steady state that counts. Bouncy Castle's LTS native GCM needs no JIT and\n");
        md.append("is fast at both sizes, but slower than the JVM's engine at the 1 KiB the pipelines mostly see, and it would\n");
        md.append("replace `bcprov-jdk18on` (same packages) with a jar that loads a native library: not taken. The key hygiene of\n");
        md.append("each engine is in [security.md](security.md#what-stays-in-memory).\n");
        md.append(END);
        return md.toString();
    }

    private static double cpuMicros(List<Cpu> cpu, String op, String candidate, int size) {
        for (Cpu c : cpu) {
            if (c.operation().equals(op) && c.candidate().equals(candidate) && c.size() == size) {
                return c.micros();
            }
        }
        return Double.NaN;
    }

    private static String cpuRatio(List<Cpu> cpu, String op, int size) {
        return String.format(Locale.ROOT, "%s %.1fx", op, cpuMicros(cpu, op, "before", size) / cpuMicros(cpu, op, "plugin", size));
    }

    private static RunResult find(List<RunResult> rows, String method, int size) {
        for (RunResult r : rows) {
            String b = r.getParams().getBenchmark();
            if (b.substring(b.lastIndexOf('.') + 1).equals(method) && Integer.parseInt(r.getParams().getParam("size")) == size) {
                return r;
            }
        }
        return null;
    }

    /** A note for the LTS row: which implementation its GCMBlockCipher.newInstance picked here, or why it was not measured. */
    static String ltsNote() {
        if (!Files.isRegularFile(ltsJar())) {
            return " Not measured in this run: the jar is not in the local Maven repository ("
                    + "`mvn dependency:get -Dartifact=org.bouncycastle:bcprov-lts8on:" + LTS_VERSION + "` brings it).";
        }
        try {
            return " On this machine it picked `" + new LtsNativeGcm(ltsJar()).implementation() + "`.";
        } catch (Exception e) {
            return " It could not be loaded here: " + e;
        }
    }

    /** The engine the plugin's aes-gcm runs on in this JVM. */
    static String pluginEngine() {
        return CryptoBenchAccess.engineOf(ContentCiphers.forName(ContentCiphers.AES_GCM));
    }

    /** Replaces the crypto block of {@code doc} (or appends it) with {@code block}. */
    static void splice(Path doc, String block) throws IOException {
        DocSection.splice(doc, BEGIN, END, block);
    }
}
