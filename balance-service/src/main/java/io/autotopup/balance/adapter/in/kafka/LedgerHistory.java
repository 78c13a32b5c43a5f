package io.autotopup.balance.adapter.in.kafka;

import java.util.ArrayList;
import java.util.List;

/** The most recent ledger entries of one subscriber, newest first, kept in a state store. */
public final class LedgerHistory {

    static final int KEPT = 100;

    /** One applied change as the history shows it. */
    public record Entry(String eventId, long version, String reason, String description, String causationId,
            long amount, long balanceAfter, String currency, long occurredAt) {
    }

    private List<Entry> entries = new ArrayList<>();

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
