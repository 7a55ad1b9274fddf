package io.memoram.connect.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A bench's generated block in a doc, between its begin and end markers: each bench rewrites only
 * its own block, so the benches can run apart and the prose around them stays as written.
 */
final class DocSection {
    private DocSection() { }

    /** Replaces the block between {@code begin} and {@code end} in {@code doc}, or appends it if absent. */
    static void splice(Path doc, String begin, String end, String block) throws IOException {
        String text = Files.exists(doc) ? Files.readString(doc) : "";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        String updated = b >= 0 && e > b
                ? text.substring(0, b) + block + text.substring(e + end.length())
                : text + "\n" + block + "\n";
        Files.writeString(doc, updated, StandardCharsets.UTF_8);
    }
}
