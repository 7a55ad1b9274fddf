package io.memoram.connect.source;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Timestamp;

/** The named Connect schemas of everything the source emits (docs/source.md, "Records"). */
public final class SourceSchemas {
    public static final String NAMESPACE = "io.memoram.connect.";

    public static final Schema MEMORY_KEY = SchemaBuilder.struct().name(NAMESPACE + "MemoryKey").version(1)
            .doc("Key of a memory blob record: the user and the blob id.")
            .field("user_id", Schema.STRING_SCHEMA)
            .field("id", Schema.STRING_SCHEMA)
            .build();

    private static final Schema OPTIONAL_TIMESTAMP = Timestamp.builder().optional().build();
    private static final Schema STRING_ARRAY = SchemaBuilder.array(Schema.STRING_SCHEMA).build();

    public static final Schema MEMORY = SchemaBuilder.struct().name(NAMESPACE + "Memory").version(1)
            .doc("A memory blob with its content decrypted (or still sealed when the header memoram.content.raw=true).")
            .field("id", Schema.STRING_SCHEMA)
            .field("user_id", Schema.STRING_SCHEMA)
            .field("title", Schema.OPTIONAL_STRING_SCHEMA)
            .field("summary", Schema.OPTIONAL_STRING_SCHEMA)
            .field("content", Schema.OPTIONAL_STRING_SCHEMA)
            .field("tags", STRING_ARRAY)
            .field("tag_ids", STRING_ARRAY)
            .field("importance", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("confidence", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("source", Schema.OPTIONAL_STRING_SCHEMA)
            .field("created_at", OPTIONAL_TIMESTAMP)
            .field("updated_at", OPTIONAL_TIMESTAMP)
            .field("key_version", Schema.OPTIONAL_INT32_SCHEMA)
            .build();

    public static final Schema TAG_KEY = SchemaBuilder.struct().name(NAMESPACE + "TagKey").version(1)
            .doc("Key of a tag record: the user and the tag id.")
            .field("user_id", Schema.STRING_SCHEMA)
            .field("id", Schema.STRING_SCHEMA)
            .build();

    public static final Schema TAG = SchemaBuilder.struct().name(NAMESPACE + "Tag").version(1)
            .doc("A tag of a user.")
            .field("id", Schema.STRING_SCHEMA)
            .field("user_id", Schema.STRING_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("description", Schema.OPTIONAL_STRING_SCHEMA)
            .field("color", Schema.OPTIONAL_STRING_SCHEMA)
            .field("is_enabled", Schema.OPTIONAL_BOOLEAN_SCHEMA)
            .field("created_at", OPTIONAL_TIMESTAMP)
            .field("updated_at", OPTIONAL_TIMESTAMP)
            .build();

    public static final Schema ACCESS_KEY = Schema.STRING_SCHEMA;

    public static final Schema ACCESS = SchemaBuilder.struct().name(NAMESPACE + "AccessRequestStatus").version(1)
            .doc("A status of an access request this connector serves, as observed. No secrets.")
            .field("request_id", Schema.STRING_SCHEMA)
            .field("status", Schema.STRING_SCHEMA)
            .field("user_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("observed_at", Timestamp.SCHEMA)
            .build();

    private SourceSchemas() { }
}
