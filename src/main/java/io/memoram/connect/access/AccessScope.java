package io.memoram.connect.access;

import io.memoram.connect.client.model.AccessRequest;
import io.memoram.connect.client.model.AccessStatus;
import io.memoram.connect.config.AccessDiscovery;
import io.memoram.connect.config.MemoramCommonConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which of the account's access requests a connector serves besides the ones it is given
 * ({@code memoram.access.discovery} with its {@code memoram.access.request.reason}), as one value
 * instead of two loose parameters.
 *
 * @param discovery off, every request with this connector's reason, or every request
 * @param reason    the reason a request must have with {@link AccessDiscovery#REASON} (may be null otherwise)
 */
public record AccessScope(AccessDiscovery discovery, String reason) {
    public static final AccessScope OFF = new AccessScope(AccessDiscovery.OFF, null);

    /** The scope a connector's config asks for ({@code memoram.access.discovery}, {@code memoram.access.request.reason}). */
    public static AccessScope of(MemoramCommonConfig config) {
        return new AccessScope(config.accessDiscovery(), config.accessRequestReason());
    }

    public boolean enabled() {
        return discovery.enabled();
    }

    /**
     * Whether discovery serves this request: in scope and with its user linked. Pending requests have
     * no user yet and join when approved; revoked ones stay, so their revocation is reported and the
     * user resumes on re-approval.
     */
    public boolean includes(AccessRequest r) {
        boolean scoped = discovery == AccessDiscovery.ALL
                || (discovery == AccessDiscovery.REASON && reason != null && reason.equals(r.reason()));
        return scoped && r.id() != null && r.userId() != null && r.status() != AccessStatus.PENDING;
    }

    /** The requests of a listing that discovery serves, request id to user id, in listing order. */
    public Map<String, String> of(AccessListing listing) {
        Map<String, String> out = new LinkedHashMap<>();
        for (AccessRequest r : listing.items()) {
            if (includes(r)) {
                out.put(r.id(), r.userId());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return discovery.wire();
    }
}
