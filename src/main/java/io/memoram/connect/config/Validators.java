package io.memoram.connect.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
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

    /**
     * Why {@code url} must not be used, or null when it may: plain http is allowed only to a
     * loopback host (the emulator, a local TLS-terminating proxy), or when the user opted in
     * through {@code memoram.api.allow.insecure.http}, because every call carries the API key
     * or a JWT and the connector fetches users' memory keys and encryption keys.
     */
    public static String plainHttpRefusal(URI url, boolean allowInsecureHttp) {
        if (allowInsecureHttp || url.getScheme() == null || !url.getScheme().equalsIgnoreCase("http")
                || isLoopback(url.getHost())) {
            return null;
        }
        return "plain http to '" + url.getHost() + "', which is not a loopback host, would send the API key, JWTs, "
                + "memory keys and encryption keys in clear: use https://, or set "
                + MemoramCommonConfig.API_ALLOW_INSECURE_HTTP_CONFIG + "=true if the network path is protected otherwise";
    }

    /**
     * Whether {@code host} (as {@link URI#getHost()} gives it) is loopback by its spelling alone:
     * localhost (and *.localhost, RFC 6761), 127.0.0.0/8 or ::1. No DNS lookup, so a name cannot
     * resolve to loopback today and to something else when the task connects.
     */
    static boolean isLoopback(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        boolean ipv6 = h.startsWith("[") && h.endsWith("]");
        boolean ipv4 = h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!ipv6 && !ipv4) {
            return false;
        }
        try {
            // A literal address: parsed, never looked up.
            return InetAddress.getByName(ipv6 ? h.substring(1, h.length() - 1) : h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
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

    /**
     * A rate: 0 (off), or a finite number from {@code min} to {@code max}. {@code ConfigDef.Range}
     * lets NaN through (every comparison with it is false), and a tiny positive rate would make
     * the period between permits overflow.
     */
    public static ConfigDef.Validator rateLimit(double min, double max) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                double v = value == null ? 0 : ((Number) value).doubleValue();
                if (!Double.isFinite(v) || (v != 0 && (v < min || v > max))) {
                    throw new ConfigException(name, value, "must be 0 (off) or a number from " + min + " to " + max);
                }
            }

            @Override
            public String toString() {
                return "0 (off), or " + min + " to " + max;
            }
        };
    }

    /** Lower-cases an enum-like setting the validators accepted. */
    public static String normalized(String value) {
        return value.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Empty, or a field name every converter takes (Avro's rule: a letter or underscore, then
     * letters, digits, underscores) that is none of {@code taken}.
     */
    public static ConfigDef.Validator valueFieldName(java.util.Set<String> taken) {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            String s = value == null ? "" : value.toString().trim();
            if (s.isEmpty()) {
                return;
            }
            if (!s.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ConfigException(name, value, "must be a letter or underscore followed by letters, digits or underscores");
            }
            if (taken.contains(s)) {
                throw new ConfigException(name, value, "is already a field of the values");
            }
        }, () -> "empty, or a field name ([A-Za-z_][A-Za-z0-9_]*) the values do not have");
    }
}
