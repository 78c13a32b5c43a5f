package io.autotopup.balance.adapter.in.kafka;

import java.util.ArrayList;
import java.util.List;

/**
 * The codes asked for from one client address in the last two hours, each as "epoch millis|subscriber id",
 * oldest first: what the global store {@link BalanceTopology#CODE_REQUESTS_STORE} keeps per address.
 */
public record RecentCodeRequests(List<String> requests) {

    /** Two hours: the hourly limit looks back one, with room for clocks. */
    static final long KEPT_MILLIS = 2 * 60 * 60 * 1000L;

    public RecentCodeRequests {
        requests = requests == null ? List.of() : List.copyOf(requests);
    }

    RecentCodeRequests with(long at, String subscriberId) {
        List<String> kept = new ArrayList<>();
        for (String request : requests) {
            if (millis(request) > at - KEPT_MILLIS) {
                kept.add(request);
            }
        }
        String entry = at + "|" + subscriberId;
        if (!kept.contains(entry)) {
            kept.add(entry);
        }
        return new RecentCodeRequests(kept);
    }

    public static long millis(String request) {
        return Long.parseLong(request.substring(0, request.indexOf('|')));
    }
}
