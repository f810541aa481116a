package dev.progresshub.testsupport;

/** Closing the processes and databases a test class started. */
public final class Resources {

    private Resources() {
    }

    /** Closes each in turn; a failure to close one never keeps the next one open. */
    public static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception ignored) {
                // best effort: the next resource must still be closed
            }
        }
    }
}
