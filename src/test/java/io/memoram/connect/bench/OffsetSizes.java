package io.memoram.connect.bench;

import io.memoram.connect.source.SourceBenchAccess;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Bytes of offset state the source keeps for one user's memories stream: the 16 bucket offsets the
 * real StreamManifests hands to Connect, serialized the way the worker writes them to the offsets
 * topic (JsonConverter without schemas; key {@code ["<connector>", partition]}, value the offset).
 */
final class OffsetSizes {
    static final String CONNECTOR = "memoram-source";

    record Result(int blobs, long valueBytes, long keyBytes, long largestBucketValueBytes, double valueBytesPerBlob) { }

    private OffsetSizes() { }

    static Result measure(int blobs) {
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "false", "converter.type", "value"));
        Map<Map<String, ?>, Map<String, ?>> offsets =
                SourceBenchAccess.memoriesOffsets(BenchData.USER_ID, BenchData.fingerprints(blobs, blobs));
        long values = 0;
        long keys = 0;
        long largest = 0;
        for (Map.Entry<Map<String, ?>, Map<String, ?>> e : offsets.entrySet()) {
            long v = json.fromConnectData("offsets", null, e.getValue()).length;
            keys += json.fromConnectData("offsets", null, Arrays.asList(CONNECTOR, e.getKey())).length;
            values += v;
            largest = Math.max(largest, v);
        }
        return new Result(blobs, values, keys, largest, (double) values / blobs);
    }

    static String sample() {
        Map<Map<String, ?>, Map<String, ?>> offsets =
                SourceBenchAccess.memoriesOffsets(BenchData.USER_ID, BenchData.fingerprints(2, 1));
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "false", "converter.type", "value"));
        Map.Entry<Map<String, ?>, Map<String, ?>> e = offsets.entrySet().iterator().next();
        return new String(json.fromConnectData("offsets", null, Arrays.asList(CONNECTOR, e.getKey())), StandardCharsets.UTF_8)
                + " -> " + new String(json.fromConnectData("offsets", null, e.getValue()), StandardCharsets.UTF_8);
    }
}
