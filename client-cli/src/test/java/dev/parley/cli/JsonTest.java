package dev.parley.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact bytes of {@code --json} output (docs/cli.md): one line, no spaces, fields in insertion
 * order, and string escapes that a line-oriented reader can never mistake for a line break.
 */
class JsonTest {
    @Test
    void fieldsInOrderWithoutSpacesAndEveryValueKind() {
        String s = Json.object().put("event", "x").put("n", 42).put("big", 1L << 40).put("ms", 1.5).put("whole", 2.0)
                .put("on", true).put("none", null).put("path", Path.of("/tmp/a b").toString()).put("uri", java.net.URI.create("ws://h:1"))
                .put("nested", Json.object().put("k", "v")).put("list", List.of(1, "two", Json.object())).toString();
        assertThat(s).isEqualTo("{\"event\":\"x\",\"n\":42,\"big\":1099511627776,\"ms\":1.5,\"whole\":2.0,\"on\":true,\"none\":null,"
                + "\"path\":\"/tmp/a b\",\"uri\":\"ws://h:1\",\"nested\":{\"k\":\"v\"},\"list\":[1,\"two\",{}]}");
    }

    @Test
    void numbersThatAreNotLongsAreDoublesAndNonFiniteOnesAreNull() {
        assertThat(Json.object().put("f", 0.25f).put("nan", Double.NaN).put("inf", Double.POSITIVE_INFINITY).put("tiny", 1e-7)
                .put("short", (short) 3).toString())
                .isEqualTo("{\"f\":0.25,\"nan\":null,\"inf\":null,\"tiny\":1.0E-7,\"short\":3.0}");
    }

    @Test
    void stringsEscapeQuotesBackslashesControlCharactersAndUnicodeLineSeparators() {
        String text = "a\"b\\c\nd\re\tf\bg\fh\u0001i\u001fj\u2028k\u2029l\u007fm é 😀 /";
        assertThat(Json.object().put("t", text).toString())
                .isEqualTo("{\"t\":\"a\\\"b\\\\c\\nd\\re\\tf\\u0008g\\u000ch\\u0001i\\u001fj\\u2028k\\u2029l\u007fm é 😀 /\"}");
    }

    @Test
    void arraysOfObjects() {
        assertThat(Json.array(List.of(Json.object().put("a", 1), Json.object().put("b", "c")))).isEqualTo("[{\"a\":1},{\"b\":\"c\"}]");
        assertThat(Json.array(List.of())).isEqualTo("[]");
    }
}
