package io.memoram.connect.e2e;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Prints "e2e: N passed, M failed" after the class, the closing line a reader of CI logs looks for. */
public final class PassFailSummary implements TestWatcher, AfterAllCallback {
    private final AtomicInteger passed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();

    @Override
    public void testSuccessful(ExtensionContext context) {
        passed.incrementAndGet();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        failed.incrementAndGet();
        System.out.println("e2e FAILED " + context.getDisplayName() + ": " + cause);
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        skipped.incrementAndGet();
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        skipped.incrementAndGet();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (passed.get() + failed.get() == 0) {
            return; // the class was skipped as a whole: nothing ran, nothing to report
        }
        String line = "e2e: " + passed.get() + " passed, " + failed.get() + " failed";
        System.out.println(skipped.get() == 0 ? line : line + ", " + skipped.get() + " skipped");
        System.out.flush();
    }
}
