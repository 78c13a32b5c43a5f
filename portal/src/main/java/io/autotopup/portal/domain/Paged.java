package io.autotopup.portal.domain;

import java.util.List;

/** One page of a list, newest first, with whether there are newer and older pages. */
public record Paged<T>(List<T> items, int page, boolean hasNewer, boolean hasOlder) {

    public static <T> Paged<T> of(List<T> all, int page, int size) {
        int pages = Math.max(1, (all.size() + size - 1) / size);
        int current = Math.max(0, Math.min(page, pages - 1));
        int from = current * size;
        return new Paged<>(all.subList(from, Math.min(all.size(), from + size)), current, current > 0, current < pages - 1);
    }
}
