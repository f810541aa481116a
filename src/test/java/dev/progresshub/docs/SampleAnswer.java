package dev.progresshub.docs;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A sample answer written in the docs after a command ({@code # -> {"accepted":4,…}}) compared with what the
 * command really printed. JSON is compared as JSON: the same fields and values, except that fields which
 * differ on every run (ids, tokens, times) only have to be there, and a {@code "…"} value stands for any
 * value. Anything else is compared as text, where {@code …} stands for any text.
 */
final class SampleAnswer {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Different on every run: present, any value. */
    private static final Set<String> VOLATILE = Set.of("id", "token", "sessionId", "ticket", "url", "etag",
            "lastEventId", "nextAfter", "nextCursor", "tokenId");
    private static final String ANY = "…";

    private SampleAnswer() {
    }

    /** The differences, empty when the actual output matches the sample. */
    static List<String> differences(String sample, String actual) {
        JsonNode expected = parse(sample);
        if (expected == null || !(expected.isContainerNode())) {
            return textMatches(sample.strip(), actual.strip()) ? List.of()
                    : List.of("expected " + sample.strip() + " but got " + actual.strip());
        }
        JsonNode got = parse(actual);
        if (got == null) {
            return List.of("expected JSON " + sample.strip() + " but got " + actual.strip());
        }
        List<String> differences = new ArrayList<>();
        compare("$", expected, got, differences);
        return differences;
    }

    private static void compare(String path, JsonNode expected, JsonNode actual, List<String> differences) {
        if (expected.isTextual() && expected.asText().equals(ANY)) {
            return;
        }
        if (expected.isObject() && actual.isObject()) {
            Set<String> names = new TreeSet<>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String at = path + "." + name;
                if (!expected.has(name)) {
                    differences.add(at + ": not in the sample, but the service answers " + actual.get(name));
                } else if (!actual.has(name)) {
                    differences.add(at + ": in the sample (" + expected.get(name) + "), missing in the answer");
                } else if (!volatileField(name, expected.get(name), actual.get(name))) {
                    compare(at, expected.get(name), actual.get(name), differences);
                }
            }
        } else if (expected.isArray() && actual.isArray()) {
            if (expected.size() != actual.size()) {
                differences.add(path + ": " + expected.size() + " elements in the sample, " + actual.size() + " answered: " + actual);
                return;
            }
            Iterator<JsonNode> got = actual.elements();
            int i = 0;
            for (JsonNode element : expected) {
                compare(path + "[" + i++ + "]", element, got.next(), differences);
            }
        } else if (!expected.equals(actual) && !(expected.isNumber() && actual.isNumber()
                && expected.decimalValue().compareTo(actual.decimalValue()) == 0)) {
            differences.add(path + ": sample says " + expected + ", the service answers " + actual);
        }
    }

    /** Ids, tokens and times differ on every run: only their presence (and nullness) is compared. */
    private static boolean volatileField(String name, JsonNode expected, JsonNode actual) {
        boolean volatileName = VOLATILE.contains(name) || name.endsWith("At");
        return volatileName && expected.isNull() == actual.isNull();
    }

    private static boolean textMatches(String sample, String actual) {
        StringBuilder regex = new StringBuilder();
        for (String part : sample.split(Pattern.quote(ANY), -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(actual).matches();
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
