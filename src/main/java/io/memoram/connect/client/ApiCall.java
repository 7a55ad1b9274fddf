package io.memoram.connect.client;

/**
 * The Memoram API calls the plugin makes, each named once: its HTTP method and path template
 * (docs/memoram-api.md). {@link #toString()} is the name exception messages, logs and metrics use,
 * such as {@code "GET /access-requests/{id}/credentials"}: a template, never an id or a secret.
 * A new call gets a constant here and a method in {@link MemoramClient}.
 */
public enum ApiCall {
    AUTH_TOKEN("POST", "/auth/token"),
    CREATE_ACCESS_REQUEST("POST", "/access-requests"),
    LIST_ACCESS_REQUESTS("GET", "/access-requests"),
    GET_ACCESS_REQUEST("GET", "/access-requests/{id}"),
    GET_CREDENTIALS("GET", "/access-requests/{id}/credentials"),
    LIST_BLOBS("GET", "/memory-blobs"),
    CREATE_BLOB("POST", "/memory-blobs"),
    PATCH_BLOB("PATCH", "/memory-blobs/{id}"),
    DELETE_BLOB("DELETE", "/memory-blobs/{id}"),
    LIST_TAGS("GET", "/tags");

    private final String method;
    private final String template;
    private final String label;

    ApiCall(String method, String template) {
        this.method = method;
        this.template = template;
        this.label = method + " " + template;
    }

    public String method() {
        return method;
    }

    /** The path template, {@code {id}} standing for the one id a path holds. */
    public String template() {
        return template;
    }

    /** {@code "<METHOD> <template>"}: how messages and metrics name the call. */
    @Override
    public String toString() {
        return label;
    }
}
