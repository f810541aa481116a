package dev.progresshub.ops;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Every log handler runs records through this (quarkus.log.*.filter): query-string credentials
 * ({@code ?access_token=}, {@code ?ticket=}) and bearer tokens become {@code ***}, whoever logged them (the
 * access log, Vert.x or RESTEasy failure messages, our own code).
 */
@LoggingFilter(name = "redact-credentials")
public final class CredentialRedaction implements Filter {

    private static final Pattern QUERY_CREDENTIAL = Pattern.compile("(?i)([?&](?:access_token|ticket)=)[^&\\s\"']*");
    private static final Pattern BEARER = Pattern.compile("(?i)(Bearer\\s+)[^\\s\"',]+");

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record instanceof ExtLogRecord ext) {
            String message = ext.getFormattedMessage();
            String redacted = redact(message);
            if (redacted != null && !redacted.equals(message)) {
                ext.setMessage(redacted, ExtLogRecord.FormatStyle.NO_FORMAT);
                ext.setParameters(null);
            }
        }
        return true;
    }

    static String redact(String text) {
        if (text == null) {
            return null;
        }
        return BEARER.matcher(QUERY_CREDENTIAL.matcher(text).replaceAll("$1***")).replaceAll("$1***");
    }
}
