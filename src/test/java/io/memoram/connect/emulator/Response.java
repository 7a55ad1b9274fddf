package io.memoram.connect.emulator;

import java.util.Map;

/** A response to send: status, extra headers and a JSON body (null for none). */
record Response(int status, Map<String, String> headers, Object body) {

    static Response json(int status, Object body) {
        return new Response(status, Map.of(), body);
    }

    static Response ok(Object body) {
        return json(200, body);
    }

    static Response created(Object body) {
        return json(201, body);
    }

    static Response error(int status, String message) {
        return json(status, Map.of("error", message));
    }
}
