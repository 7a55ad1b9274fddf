package io.memoram.connect.emulator;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The OAuth 2.0 authorization-code exchange at /oauth/token (form-encoded, outside /api/v1). */
final class OAuthHandler {
    static final long ACCESS_TOKEN_SECONDS = 3600;

    private final EmulatorState state;

    OAuthHandler(EmulatorState state) {
        this.state = state;
    }

    Response handle(Request r) {
        ApiHandler.requireMethod(r, "POST");
        Map<String, String> form = Request.decodeForm(new String(r.body(), StandardCharsets.UTF_8));
        if (!"authorization_code".equals(form.get("grant_type"))) {
            throw HttpError.badRequest("unsupported_grant_type");
        }
        for (String f : new String[] {"code", "client_id", "client_secret", "redirect_uri"}) {
            if (form.get(f) == null || form.get(f).isEmpty()) {
                throw HttpError.badRequest("invalid_request");
            }
        }
        String memoryKey = state.redeemAuthorizationCode(form.get("code"), form.get("client_id"),
                form.get("client_secret"), form.get("redirect_uri"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("access_token", Ids.token());
        m.put("token_type", "Bearer");
        m.put("expires_in", ACCESS_TOKEN_SECONDS);
        m.put("refresh_token", Ids.token());
        m.put("memory_key", memoryKey);
        return Response.ok(m);
    }
}
