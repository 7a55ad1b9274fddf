package io.memoram.connect.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** Config validators whose messages name the setting and what is wrong with it (never a secret's value). */
public final class Validators {
    private Validators() { }

    /** An absolute http or https URL. */
    public static ConfigDef.Validator httpUrl() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String s = value == null ? "" : value.toString().trim();
                try {
                    URI uri = new URI(s);
                    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                        throw new ConfigException(name, s, "must be an absolute http:// or https:// URL with a host");
                    }
                } catch (java.net.URISyntaxException e) {
                    throw new ConfigException(name, s, "is not a valid URL: " + e.getReason());
                }
            }

            @Override
            public String toString() {
                return "an absolute http(s) URL";
            }
        };
    }

    /** One of {@code allowed}, compared case-insensitively. */
    public static ConfigDef.Validator oneOf(List<String> allowed) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String s = value == null ? null : value.toString().trim().toLowerCase(Locale.ROOT);
                if (s == null || !allowed.contains(s)) {
                    throw new ConfigException(name, value, "must be one of " + String.join(", ", allowed));
                }
            }

            @Override
            public String toString() {
                return "one of " + String.join(", ", allowed);
            }
        };
    }

    public static ConfigDef.Recommender recommend(List<String> values) {
        return new ConfigDef.Recommender() {
            @Override
            public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
                return new ArrayList<>(values);
            }

            @Override
            public boolean visible(String name, Map<String, Object> parsedConfig) {
                return true;
            }
        };
    }

    /** A non-blank string of at most {@code max} characters (the API requires a reason). */
    public static ConfigDef.Validator nonBlankMaxLength(int max) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value == null || value.toString().isBlank()) {
                    throw new ConfigException(name, value, "must not be blank");
                }
                if (value.toString().length() > max) {
                    throw new ConfigException(name, value, "must be at most " + max + " characters (it has "
                            + value.toString().length() + ")");
                }
            }

            @Override
            public String toString() {
                return "non-blank, at most " + max + " characters";
            }
        };
    }

    /** A password that is set and not blank. The message never contains the value. */
    public static ConfigDef.Validator nonEmptyPassword() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value == null || ((Password) value).value().isBlank()) {
                    throw new ConfigException(name + " must be set");
                }
            }

            @Override
            public String toString() {
                return "non-empty";
            }
        };
    }

    /** A list of ids without blanks or whitespace inside. */
    public static ConfigDef.Validator listOfIds() {
        return new ConfigDef.Validator() {
            @Override
            @SuppressWarnings("unchecked")
            public void ensureValid(String name, Object value) {
                if (value == null) {
                    return;
                }
                for (String id : (List<String>) value) {
                    if (id.trim().chars().anyMatch(Character::isWhitespace)) {
                        throw new ConfigException(name, value, "ids must not contain whitespace: '" + id + "'");
                    }
                }
            }

            @Override
            public String toString() {
                return "comma-separated ids";
            }
        };
    }

    /** Lower-cases an enum-like setting the validators accepted. */
    public static String normalized(String value) {
        return value.trim().toLowerCase(Locale.ROOT);
    }
}
