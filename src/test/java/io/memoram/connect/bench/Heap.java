package io.memoram.connect.bench;

import java.lang.management.ManagementFactory;

/** Heap in use after full collections: the live set, as far as the JVM lets us see it. */
final class Heap {
    private Heap() { }

    static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50); // let reference processing and concurrent cleanup settle between collections
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
