package dev.progresshub.domain;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** The known name a typo most likely meant: the smallest edit distance, if it is small for the word's length. */
final class Closest {

    private Closest() {
    }

    static Optional<String> to(String typed, Collection<String> known) {
        if (typed == null || typed.isEmpty()) {
            return Optional.empty();
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(typed.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        // A third of the word may be wrong: "curent" -> "current", but "x" is not a typo of "id".
        return bestDistance <= Math.max(2, typed.length() / 3) ? Optional.ofNullable(best) : Optional.empty();
    }

    /** Levenshtein distance, two rows; names are short. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                row[j] = Math.min(substitution, Math.min(previous[j], row[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = row;
            row = swap;
        }
        return previous[b.length()];
    }

    /** ", did you mean 'x'?" or nothing. */
    static String hint(String typed, Collection<String> known) {
        return to(typed, known).map(name -> "; did you mean '" + name + "'?").orElse("");
    }
}
