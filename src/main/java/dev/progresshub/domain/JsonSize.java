package dev.progresshub.domain;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/**
 * Bytes of the compact JSON of a value built from JSON (maps, lists, strings, numbers, booleans, null), so
 * the domain can bound free-form parts without a JSON library. Other objects count as their text (a JSON
 * tree's text is its JSON).
 */
final class JsonSize {

    private JsonSize() {
    }

    static long of(Object value) {
        return switch (value) {
            case null -> 4;
            case Map<?, ?> map -> {
                long size = 2 + Math.max(0, map.size() - 1);
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    size += string(String.valueOf(entry.getKey())) + 1 + of(entry.getValue());
                }
                yield size;
            }
            case Collection<?> list -> {
                long size = 2 + Math.max(0, list.size() - 1);
                for (Object element : list) {
                    size += of(element);
                }
                yield size;
            }
            case CharSequence text -> string(text.toString());
            case Number number -> number.toString().length();
            case Boolean bool -> bool.toString().length();
            default -> value.toString().getBytes(StandardCharsets.UTF_8).length;
        };
    }

    /** Quotes plus UTF-8 bytes; characters JSON must escape count double (control characters six). */
    private static long string(String text) {
        long size = 2 + text.getBytes(StandardCharsets.UTF_8).length;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                size += 1;
            } else if (c < 0x20) {
                size += 5;
            }
        }
        return size;
    }
}
