package io.memoram.connect.emulator;

import java.time.Instant;

/** A user's tag. Created implicitly by blob writes naming an unknown tag. */
public record StoredTag(String id, String name, String description, String color, boolean isEnabled,
                        Instant createdAt, Instant updatedAt) {
}
