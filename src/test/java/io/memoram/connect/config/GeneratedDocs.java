package io.memoram.connect.config;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code mvn -B -Pconfig-docs}: regenerates every generated part of docs/ (the configuration
 * reference from the ConfigDefs, the metrics tables from the MXBean interfaces). The argument is
 * the docs directory (default {@code docs}).
 */
public final class GeneratedDocs {
    private GeneratedDocs() { }

    public static void main(String[] args) throws IOException {
        Path docs = Path.of(args.length > 0 ? args[0] : "docs");
        ConfigDocs.write(docs.resolve("configuration.md"));
        MetricsDocs.write(docs);
    }
}
