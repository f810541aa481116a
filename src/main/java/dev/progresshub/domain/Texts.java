package dev.progresshub.domain;

import java.util.Collection;
import java.util.Map;

/**
 * Text the service can store: no NUL character (PostgreSQL text and jsonb refuse it) and no unpaired UTF-16
 * surrogate (it has no UTF-8 form). Checked inside maps and lists too, keys included.
 */
final class Texts {

    static final String RULE = "must be text without U+0000 or unpaired surrogates";

    private Texts() {
    }

    static boolean storable(Object value) {
        return switch (value) {
            case null -> true;
            case CharSequence text -> storableText(text);
            case Map<?, ?> map -> map.entrySet().stream()
                    .allMatch(entry -> storable(entry.getKey()) && storable(entry.getValue()));
            case Collection<?> list -> list.stream().allMatch(Texts::storable);
            default -> true;
        };
    }

    private static boolean storableText(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
