package io.memoram.connect.source;

import io.memoram.connect.access.UserAccess;
import java.util.ArrayList;
import java.util.List;

/** One user a task serves: its stream, its credentials while access is granted, and its schedule. */
final class UserSlot {
    final UserStream stream;
    final Backoff backoff;
    /** The requests of this user that this task owns. */
    final List<AccessWatch> watches = new ArrayList<>();
    /** Credentials (in memory only) while streaming; null while access is pending, rejected or revoked. */
    UserAccess access;
    long dueAt = Long.MAX_VALUE;

    UserSlot(UserStream stream, Backoff backoff) {
        this.stream = stream;
        this.backoff = backoff;
    }

    boolean active() {
        return access != null;
    }

    void activate(UserAccess access, long now) {
        this.access = access;
        this.dueAt = now;
        backoff.onSuccess();
    }

    /** Stops streaming until a watch finds the access approved again. */
    void suspend() {
        access = null;
        dueAt = Long.MAX_VALUE;
        stream.restartPass();
    }
}
