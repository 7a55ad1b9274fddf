/**
 * The source connector's stored offset format (docs/source.md, "Offsets"): source partitions and
 * offset values as Connect keeps them, and the compact {@code blob id → fingerprint} manifest inside
 * them. {@link io.memoram.connect.source.offsets.SourceOffsets} names every partition and offset key;
 * {@link io.memoram.connect.source.offsets.Manifest} and
 * {@link io.memoram.connect.source.offsets.FingerprintTable} are its encoding;
 * {@link io.memoram.connect.source.offsets.Fingerprints} what is compared;
 * {@link io.memoram.connect.source.offsets.StreamManifests} one user's stream over its buckets.
 * A change here changes what running connectors read back: OffsetFormatPinTest pins it.
 */
package io.memoram.connect.source.offsets;
