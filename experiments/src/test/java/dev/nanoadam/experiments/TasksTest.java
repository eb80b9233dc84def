package dev.nanoadam.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TasksTest {
    @Test
    void parsesRangesAndLists() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, Tasks.parseClasses("0-4"));
        assertArrayEquals(new int[] {5, 7, 9}, Tasks.parseClasses("5,7,9"));
        assertArrayEquals(new int[] {0, 1, 2, 8}, Tasks.parseClasses("0-2, 8"));
        assertArrayEquals(new int[] {3}, Tasks.parseClasses("3"));
        assertEquals("0-4", Tasks.describe(new int[] {0, 1, 2, 3, 4}));
        assertEquals("5,7,9", Tasks.describe(new int[] {5, 7, 9}));
        assertEquals("3", Tasks.describe(new int[] {3}));
    }

    @Test
    void refusesWhatIsNotAClassList() {
        assertEquals("classes 'a-b': 'a-b' is not a class number or a range like 0-4",
                assertThrows(IllegalArgumentException.class, () -> Tasks.parseClasses("a-b")).getMessage());
        assertEquals("classes '4-2': '4-2' is not a class or an ascending range",
                assertThrows(IllegalArgumentException.class, () -> Tasks.parseClasses("4-2")).getMessage());
        assertEquals("classes '1,,2': '' is not a class number or a range like 0-4",
                assertThrows(IllegalArgumentException.class, () -> Tasks.parseClasses("1,,2")).getMessage());
    }
}
