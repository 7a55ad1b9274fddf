package io.memoram.connect.sink;

import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/** Uniform view of a record value that is a Struct, a Map or a String, for {@link RecordMapper}. */
interface Fields {
    boolean has(String name);

    Object get(String name);

    boolean isPlainString();

    /** @throws InvalidRecordException for any other value, or a Map with keys that are not strings */
    static Fields of(Object value, String contentField) {
        if (value instanceof Struct struct) {
            return new Fields() {
                public boolean has(String name) {
                    return struct.schema().field(name) != null;
                }

                public Object get(String name) {
                    Field field = struct.schema().field(name);
                    return field == null ? null : struct.get(field);
                }

                public boolean isPlainString() {
                    return false;
                }
            };
        }
        if (value instanceof Map<?, ?> map) {
            for (Object k : map.keySet()) {
                if (!(k instanceof String)) {
                    throw new InvalidRecordException("value", "a Map value must have string keys, found a key of type "
                            + typeName(k));
                }
            }
            return new Fields() {
                public boolean has(String name) {
                    return map.containsKey(name);
                }

                public Object get(String name) {
                    return map.get(name);
                }

                public boolean isPlainString() {
                    return false;
                }
            };
        }
        if (value instanceof String s) {
            return new Fields() {
                public boolean has(String name) {
                    return name.equals(contentField);
                }

                public Object get(String name) {
                    return name.equals(contentField) ? s : null;
                }

                public boolean isPlainString() {
                    return true;
                }
            };
        }
        throw new InvalidRecordException("value", "the record value must be a Struct, a Map (schemaless JSON) or a String, not "
                + typeName(value));
    }

    static String typeName(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Struct) {
            return "a Struct";
        }
        if (v instanceof Map) {
            return "a Map";
        }
        if (v instanceof List) {
            return "an array";
        }
        if (v instanceof byte[] || v instanceof java.nio.ByteBuffer) {
            return "bytes";
        }
        return "a " + v.getClass().getSimpleName();
    }
}
