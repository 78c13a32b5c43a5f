package io.autotopup.notification.domain;

import java.util.ArrayList;
import java.util.List;

/** What was texted to one subscriber, newest first, with how far each text got: REQUESTED, SENT, DELIVERED, FAILED, EXPIRED. */
public final class SmsHistory {

    static final int KEPT = 50;

    /** One text as the subscriber's history shows it. */
    public record Entry(String smsId, String messageType, String language, String text, long requestedAt, String status,
            int segments) {
        Entry with(String newStatus, int newSegments) {
            return new Entry(smsId, messageType, language, text, requestedAt, newStatus, newSegments);
        }
    }

    private List<Entry> entries = new ArrayList<>();

    public void requested(String smsId, String messageType, String language, String text, long at) {
        if (entries.stream().noneMatch(entry -> entry.smsId().equals(smsId))) {
            entries.add(0, new Entry(smsId, messageType, language, text, at, "REQUESTED", 0));
            while (entries.size() > KEPT) {
                entries.remove(entries.size() - 1);
            }
        }
    }

    public void sent(String smsId, int segments) {
        update(smsId, entry -> "REQUESTED".equals(entry.status()) ? entry.with("SENT", segments) : entry.with(entry.status(), segments));
    }

    /** A receipt for one segment: a failure of any segment is the text's failure. */
    public void delivered(String smsId, String status) {
        update(smsId, entry -> "FAILED".equals(entry.status()) || "EXPIRED".equals(entry.status()) ? entry
                : entry.with(status, entry.segments()));
    }

    public List<Entry> latest(int limit) {
        return List.copyOf(entries.subList(0, Math.min(limit, entries.size())));
    }

    private void update(String smsId, java.util.function.UnaryOperator<Entry> change) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).smsId().equals(smsId)) {
                entries.set(i, change.apply(entries.get(i)));
                return;
            }
        }
    }
}
