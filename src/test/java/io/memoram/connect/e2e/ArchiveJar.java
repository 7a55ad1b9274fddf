package io.memoram.connect.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The project's jar as it sits inside the built Hub archive: what Connect workers load. The tests'
 * own classpath (target/classes) says nothing about the archive, so checks of the shipped plugin
 * read this instead.
 */
record ArchiveJar(Set<String> entries, Map<String, String> services) {

    /** The path of the plugin jar inside the archive, below its top-level folder. */
    static String entryName() {
        String version = ProjectPaths.projectVersion();
        return "memoram-kafka-connect-memoram-" + version + "/lib/kafka-connect-memoram-" + version + ".jar";
    }

    static ArchiveJar read(Path archive) {
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            ZipEntry jarEntry = zip.getEntry(entryName());
            if (jarEntry == null) {
                throw new AssertionError(archive + " has no " + entryName());
            }
            Set<String> entries = new TreeSet<>();
            Map<String, String> services = new HashMap<>();
            try (JarInputStream jar = new JarInputStream(zip.getInputStream(jarEntry))) {
                for (var e = jar.getNextJarEntry(); e != null; e = jar.getNextJarEntry()) {
                    entries.add(e.getName());
                    if (e.getName().startsWith("META-INF/services/")) {
                        services.put(e.getName().substring("META-INF/services/".length()),
                                new String(jar.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
            return new ArchiveJar(entries, services);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + archive, e);
        }
    }

    /** True when the jar holds the compiled class {@code className}. */
    boolean has(String className) {
        return entries.contains(className.replace('.', '/') + ".class");
    }
}
