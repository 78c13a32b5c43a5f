package io.autotopup.balance.adapter.in.kafka;

import java.util.ArrayList;
import java.util.List;

/**
 * How the history was kept before {@link LedgerEntries}: a subscriber's newest 100 entries, newest first, as one JSON
 * value rewritten with every change. Only read now, to move state written that way into the store of entries.
 */
public final class LedgerHistory {

    public static final int KEPT = 100;

    /** One applied change as the history showed it. */
    public record Entry(String eventId, long version, String reason, String description, String causationId,
            long amount, long balanceAfter, String currency, long occurredAt) {
    }

    private List<Entry> entries = new ArrayList<>();

    /** What the previous version did with each change; tests use it to write state as that version left it. */
    void add(Entry entry) {
        entries.add(0, entry);
        while (entries.size() > KEPT) {
            entries.remove(entries.size() - 1);
        }
    }

    public List<Entry> latest(int limit) {
        return List.copyOf(entries.subList(0, Math.min(limit, entries.size())));
    }
}
