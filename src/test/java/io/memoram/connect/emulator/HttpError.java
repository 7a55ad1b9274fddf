package io.memoram.connect.emulator;

/**
 * An error the emulator answers with: the HTTP status and the text of the JSON {@code {"error": ...}} body.
 * Also thrown by the Java API for misuse (unknown user, unknown request), where the message says what is wrong.
 */
public final class HttpError extends RuntimeException {
    private final int status;

    public HttpError(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    static HttpError unauthorized(String message) {
        return new HttpError(401, message);
    }

    static HttpError forbidden(String message) {
        return new HttpError(403, message);
    }

    static HttpError notFound(String message) {
        return new HttpError(404, message);
    }

    static HttpError unprocessable(String message) {
        return new HttpError(422, message);
    }
}
