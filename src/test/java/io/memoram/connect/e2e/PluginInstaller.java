package io.memoram.connect.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Installs the Hub archive the way a user does without the Confluent CLI: unzip into plugin.path. */
public final class PluginInstaller {
    private PluginInstaller() { }

    /** Unzips {@code archive} into {@code pluginPath}; returns the plugin's folder. */
    public static Path install(Path archive, Path pluginPath) throws IOException {
        if (!Files.exists(archive)) {
            throw new IllegalStateException("The plugin archive " + archive + " does not exist: run `mvn package` first");
        }
        Files.createDirectories(pluginPath);
        Path root = pluginPath.toAbsolutePath().normalize();
        Path top = null;
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                Path target = root.resolve(e.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("archive entry escapes the plugin path: " + e.getName());
                }
                if (top == null) {
                    top = root.resolve(root.relativize(target).getName(0));
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = zip.getInputStream(e)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        return top;
    }
}
