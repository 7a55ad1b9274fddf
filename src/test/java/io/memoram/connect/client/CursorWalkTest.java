package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The guard over one walk through a listing's cursors (the source's passes and the sink's listings). */
class CursorWalkTest {
    @Test
    void aCycleIsCaughtWhereItClosesWhateverItsLength() {
        CursorWalk walk = new CursorWalk();
        assertThat(walk.page(null, List.of("1"), "A")).isNull();
        assertThat(walk.page("A", List.of("2"), "B")).isNull();
        assertThat(walk.page("B", List.of("3"), "C")).isNull();
        assertThat(walk.page("C", List.of("4"), "A")).contains("cycle");
        assertThat(walk.cursors()).isEqualTo(3);

        // A page naming its own cursor is the shortest cycle.
        walk.reset();
        assertThat(walk.page(null, List.of("1"), "A")).isNull();
        assertThat(walk.page("A", List.of("2"), "A")).contains("cycle");
    }

    @Test
    void aNewWalkStartsFromTheFirstPageAndForgetsTheCursorsOfTheLast() {
        CursorWalk walk = new CursorWalk();
        assertThat(walk.page(null, List.of("1"), "A")).isNull();
        assertThat(walk.page("A", List.of("2"), null)).isNull();
        // The next pass sees the same cursors again: no cycle, a new walk.
        assertThat(walk.page(null, List.of("1"), "A")).isNull();
        assertThat(walk.page("A", List.of("2"), "B")).isNull();
        assertThat(walk.cursors()).isEqualTo(2);
    }

    @Test
    void freshCursorsThatBringNoNewIdEndTheWalkAfterTheStaleBound() {
        CursorWalk walk = new CursorWalk();
        assertThat(walk.page(null, List.of("1", "2"), "c0")).isNull();
        String problem = null;
        int pages = 1;
        for (int i = 0; problem == null && i < 10 * CursorWalk.MAX_STALE_PAGES; i++) {
            // Some pages repeat ids already listed, some are empty: neither brings anything new.
            problem = walk.page("c" + i, i % 2 == 0 ? List.of() : List.of("2"), "c" + (i + 1));
            pages++;
        }
        assertThat(problem).contains(CursorWalk.MAX_STALE_PAGES + " pages in a row");
        assertThat(pages).isEqualTo(CursorWalk.MAX_STALE_PAGES + 1);
    }

    @Test
    void emptyPagesBetweenPagesWithNewIdsAreFineAndOnlyThePageCapEndsEndlessNewIds() {
        CursorWalk walk = new CursorWalk();
        String problem = walk.page(null, List.of("id-0"), "c0");
        int pages = 1;
        for (int i = 0; problem == null; i++) {
            // Long stretches of empty pages, each stretch shorter than the stale bound, then a new id.
            List<String> ids = i % (CursorWalk.MAX_STALE_PAGES - 1) == 0 ? List.of("id-" + i) : List.of();
            problem = walk.page("c" + i, ids, "c" + (i + 1));
            pages++;
        }
        assertThat(problem).contains("past " + CursorWalk.MAX_PAGES + " pages");
        assertThat(pages).isEqualTo(CursorWalk.MAX_PAGES);
    }

    @Test
    void aCallerThatStartsOverMidWalkStartsANewWalk() {
        CursorWalk walk = new CursorWalk();
        assertThat(walk.page(null, List.of("1"), "A")).isNull();
        assertThat(walk.page("A", List.of("2"), "B")).isNull();
        // Not the cursor the walk is at: taken as a new walk from there, not as a cycle.
        assertThat(walk.page("X", List.of("1"), "A")).isNull();
        assertThat(walk.cursors()).isEqualTo(2);
    }
}
