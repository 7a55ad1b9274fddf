package io.memoram.connect.source.signal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * One signal to the source connector (docs/source.md, "Signals"): JSON
 * {@code {"id": "...", "type": "restream"|"pause"|"resume", "data": {...}}}. {@code restream} takes
 * {@code {"users": ["u1", ...]}} or {@code {"all": true}}; {@code pause} and {@code resume} take
 * {@code {"user": "u1"}} (or a one-element {@code users}). {@code position} is the signal's offset
 * in the signal topic, -1 for one sent through JMX.
 */
public record Signal(String id, Type type, List<String> users, boolean allUsers, long position) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longer ids are refused: they are kept in offsets, several per user. */
    static final int MAX_ID_LENGTH = 200;

    /** What a signal asks for. */
    public enum Type {
        RESTREAM("restream"), PAUSE("pause"), RESUME("resume");

        private final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        static Type of(String wire) {
            for (Type t : values()) {
                if (t.wire.equals(wire)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** Whether the signal is meant for {@code userId} (the task decides whether the user is its own). */
    public boolean targets(String userId) {
        return allUsers || users.contains(userId);
    }

    /**
     * A signal that cannot be run. Its message names what is wrong, never the record's text (a
     * signal is operator input and may quote anything); {@link #signalId} is its id where it had one.
     */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        private final String signalId;

        Malformed(String signalId, String reason) {
            super(reason);
            this.signalId = signalId;
        }

        public String signalId() {
            return signalId;
        }
    }

    /** Parses one signal. */
    public static Signal parse(String json, long position) throws Malformed {
        if (json == null || json.isBlank()) {
            throw new Malformed(null, "empty signal");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the offending text: never passed on.
            throw new Malformed(null, "not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new Malformed(null, "not a JSON object");
        }
        JsonNode idNode = root.get("id");
        if (idNode == null || !idNode.isTextual() || idNode.asText().isBlank()) {
            throw new Malformed(null, "no string 'id'");
        }
        String id = idNode.asText();
        if (id.length() > MAX_ID_LENGTH) {
            throw new Malformed(null, "'id' longer than " + MAX_ID_LENGTH + " characters");
        }
        JsonNode typeNode = root.get("type");
        Type type = typeNode != null && typeNode.isTextual() ? Type.of(typeNode.asText()) : null;
        if (type == null) {
            throw new Malformed(id, "unknown or missing 'type' (expected restream, pause or resume)");
        }
        JsonNode data = root.get("data");
        if (data == null || !data.isObject()) {
            throw new Malformed(id, "no object 'data'");
        }
        List<String> users = new ArrayList<>();
        JsonNode list = data.get("users");
        if (list != null) {
            if (!list.isArray()) {
                throw new Malformed(id, "'data.users' is not an array");
            }
            for (JsonNode u : list) {
                if (!u.isTextual() || u.asText().isBlank()) {
                    throw new Malformed(id, "'data.users' holds something other than user ids");
                }
                users.add(u.asText());
            }
        }
        JsonNode one = data.get("user");
        if (one != null) {
            if (!one.isTextual() || one.asText().isBlank()) {
                throw new Malformed(id, "'data.user' is not a user id");
            }
            users.add(one.asText());
        }
        boolean all = data.path("all").asBoolean(false);
        if (type == Type.RESTREAM) {
            if (all == !users.isEmpty()) {
                throw new Malformed(id, "restream takes either 'data.users' or 'data.all': true");
            }
        } else if (all || users.size() != 1) {
            throw new Malformed(id, type.wire() + " takes exactly one user ('data.user')");
        }
        return new Signal(id, type, List.copyOf(users), all, position);
    }
}
