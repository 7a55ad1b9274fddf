package io.memoram.connect.bench;

import io.memoram.connect.source.SourceBenchAccess;
import io.memoram.connect.source.SourceBenchAccess.BucketManifest;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One bucket's manifest (about 1/16 of a user's blobs) encoded to and parsed from its offset string,
 * with the source's real Manifest: encode runs once per bucket touched by a poll batch, parse once
 * per bucket when a task starts. The bucket is the largest of a user with {@code blobsPerUser} blobs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ManifestBench {
    @Param({"1000", "10000", "100000"})
    public int blobsPerUser;

    private BucketManifest manifest;
    private String encoded;

    @Setup
    public void setup() {
        Map<String, String> fingerprints = BenchData.fingerprints(blobsPerUser, 7);
        String largest = "";
        for (Map<String, ?> offset : SourceBenchAccess.memoriesOffsets(BenchData.USER_ID, fingerprints).values()) {
            String m = (String) offset.get("manifest");
            if (m.length() > largest.length()) {
                largest = m;
            }
        }
        encoded = largest;
        manifest = BucketManifest.parse(encoded);
    }

    @Benchmark
    public String encode() {
        return manifest.encode();
    }

    @Benchmark
    public BucketManifest decode() {
        return BucketManifest.parse(encoded);
    }
}
