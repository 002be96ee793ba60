package io.ikeseal.agent.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.RecordComponent;
import java.util.List;

/** Field-by-field equality of payload records, comparing arrays by content and lists element-wise. */
final class RecordAssert {
    private RecordAssert() {}

    static void assertSameFields(Object expected, Object actual, String path) {
        if (expected instanceof byte[] e) {
            assertArrayEquals(e, (byte[]) actual, path);
        } else if (expected instanceof List<?> e) {
            List<?> a = (List<?>) actual;
            assertEquals(e.size(), a.size(), path + ".size");
            for (int i = 0; i < e.size(); i++) {
                assertSameFields(e.get(i), a.get(i), path + "[" + i + "]");
            }
        } else if (expected != null && expected.getClass().isRecord()) {
            assertEquals(expected.getClass(), actual.getClass(), path);
            for (RecordComponent c : expected.getClass().getRecordComponents()) {
                try {
                    assertSameFields(
                            c.getAccessor().invoke(expected), c.getAccessor().invoke(actual), path + "." + c.getName());
                } catch (ReflectiveOperationException ex) {
                    throw new LinkageError(path + "." + c.getName(), ex);
                }
            }
        } else {
            assertEquals(expected, actual, path);
        }
    }
}
