package io.memoram.connect.access;

import io.memoram.connect.client.ApiCall;
import io.memoram.connect.client.model.AccessRequest;
import io.memoram.connect.client.model.AccessRequestList;
import io.memoram.connect.client.MemoramClient;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read of {@code GET /access-requests}, with whether it holds every request of the account.
 *
 * <p>The API documents no paging for this list ({@code {"items": [...], "total": n}}). Should a
 * server ever page or cap it, {@code total} exceeds the items returned: the listing is then
 * <em>incomplete</em>, and callers must not conclude anything from a request missing from it
 * (filing a new request, or dropping a user). They still use what it does contain.
 *
 * @param items    the requests returned (each may carry a memory key: never log them whole)
 * @param total    the server's {@code total}, or the item count when it sent none
 * @param complete whether {@code items} holds {@code total} requests
 */
public record AccessListing(List<AccessRequest> items, int total, boolean complete) {
    private static final Logger log = LoggerFactory.getLogger(AccessListing.class);

    public AccessListing {
        items = List.copyOf(items);
    }

    /** Lists the account's access requests; WARNs when the listing is incomplete. */
    public static AccessListing read(MemoramClient client) {
        AccessRequestList list = client.accessRequestList();
        int returned = list.items().size();
        int total = list.total() == null ? returned : list.total();
        boolean complete = total <= returned;
        if (!complete) {
            log.warn("{} returned {} of {} access requests (the API documents no paging): "
                    + "requests missing from it are neither filed again nor dropped until a listing is complete", ApiCall.LIST_ACCESS_REQUESTS, returned, total);
        }
        return new AccessListing(list.items(), total, complete);
    }

    @Override
    public String toString() {
        return "AccessListing[" + items.size() + " of " + total + "]";
    }
}
