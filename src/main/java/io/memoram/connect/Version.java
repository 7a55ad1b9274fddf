package io.memoram.connect;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The plugin version, filtered from the pom at build time. */
public final class Version {
    private static final String VERSION = load();

    private Version() { }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
