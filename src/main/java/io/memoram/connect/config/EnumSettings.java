package io.memoram.connect.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings whose values are an enum: spelled in lower case in configs (an underscore in the
 * constant's name is a hyphen), accepted in any case, parsed once when the config is built so
 * that the code behind it switches over constants instead of comparing strings.
 */
final class EnumSettings {
    private EnumSettings() { }

    /** How {@code value} is written in a config: {@code AES_GCM} is {@code aes-gcm}. */
    static String spelling(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Every value of {@code type}, spelled as in a config, in declaration order (for validators and recommenders). */
    static <E extends Enum<E>> List<String> spellings(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(EnumSettings::spelling).toList();
    }

    /**
     * The constant {@code value} names, ignoring case and surrounding blanks.
     *
     * @throws ConfigException naming {@code key} and the allowed values
     */
    static <E extends Enum<E>> E parse(Class<E> type, String key, Object value) {
        String s = value == null ? "" : value.toString().trim();
        for (E e : type.getEnumConstants()) {
            if (spelling(e).equalsIgnoreCase(s)) {
                return e;
            }
        }
        throw new ConfigException(key, value, "must be one of " + String.join(", ", spellings(type)));
    }
}
