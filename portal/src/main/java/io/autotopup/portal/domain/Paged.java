package io.autotopup.portal.domain;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * One page of a list, newest first, with whether there are newer and older pages. A page of a list the portal holds
 * whole is numbered; a page of a list too long for that (the ledger) is found by a cursor, {@code before}: the
 * position of its last item, from which the older page starts.
 */
public record Paged<T>(List<T> items, int page, boolean hasNewer, boolean hasOlder, boolean byCursor, Long before) {

    public static <T> Paged<T> of(List<T> all, int page, int size) {
        int pages = Math.max(1, (all.size() + size - 1) / size);
        int current = Math.max(0, Math.min(page, pages - 1));
        int from = current * size;
        return new Paged<>(all.subList(from, Math.min(all.size(), from + size)), current, current > 0, current < pages - 1, false, null);
    }

    /**
     * A page read by cursor: {@code fetched} is up to {@code size + 1} items, the last of them only telling that an
     * older page exists; {@code newest} says whether this is the first page.
     */
    public static <T> Paged<T> byCursor(List<T> fetched, int size, boolean newest, ToLongFunction<T> position) {
        List<T> items = fetched.subList(0, Math.min(size, fetched.size()));
        boolean older = fetched.size() > size;
        return new Paged<>(items, 0, !newest, older, true, older ? position.applyAsLong(items.get(items.size() - 1)) : null);
    }
}
