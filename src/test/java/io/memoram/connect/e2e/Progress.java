package io.memoram.connect.e2e;

import java.io.PrintStream;
import java.util.Locale;

/** Progress lines with the elapsed time, for the demo's console and the e2e test's output. */
public final class Progress {
    private final PrintStream out;
    private final long start = System.nanoTime();

    public Progress(PrintStream out) {
        this.out = out;
    }

    public static Progress quiet() {
        return new Progress(new PrintStream(PrintStream.nullOutputStream()));
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    public void step(String message) {
        out.printf(Locale.ROOT, "[%6.1fs] %s%n", elapsedSeconds(), message);
        out.flush();
    }

    public void detail(String message) {
        out.printf(Locale.ROOT, "           %s%n", message);
        out.flush();
    }

    public PrintStream out() {
        return out;
    }
}
