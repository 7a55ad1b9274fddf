package io.memoram.connect.e2e;

import java.nio.file.Path;

/**
 * Where the build puts things. Failsafe passes the values as system properties (see pom.xml);
 * the fallbacks serve runs from an IDE in the project folder.
 */
public final class ProjectPaths {
    private ProjectPaths() { }

    public static Path projectDir() {
        return Path.of(System.getProperty("memoram.project.dir", ".")).toAbsolutePath().normalize();
    }

    public static String projectVersion() {
        String v = System.getProperty("memoram.project.version");
        if (v == null) {
            v = io.memoram.connect.Version.get();
        }
        return v;
    }

    public static Path targetDir() {
        return projectDir().resolve("target");
    }

    public static Path hubArchive() {
        String p = System.getProperty("memoram.hub.archive");
        return p != null ? Path.of(p)
                : targetDir().resolve("memoram-kafka-connect-memoram-" + projectVersion() + ".zip");
    }
}
