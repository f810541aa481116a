package dev.progresshub.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The files a fresh clone needs besides the code: both wrapper scripts of one version, and the licence. */
class ProjectFilesTest {

    private static final Pattern WRAPPER_VERSION = Pattern.compile("Apache Maven Wrapper startup \\S+ script, version (\\S+)");

    @Test
    void windowsAndPosixWrapperScriptsAreTheSameWrapperVersion() throws IOException {
        String posix = wrapperVersion(Files.readString(Path.of("mvnw")));
        String windows = wrapperVersion(Files.readString(Path.of("mvnw.cmd")));
        String properties = Files.readString(Path.of(".mvn/wrapper/maven-wrapper.properties"));
        assertEquals(posix, windows, "mvnw and mvnw.cmd come from one wrapper release");
        assertTrue(properties.contains("wrapperVersion=" + posix), "the properties name the scripts' version");
        assertTrue(Files.readString(Path.of("mvnw.cmd")).contains("\r\n"), "cmd.exe needs CRLF line ends");
    }

    @Test
    void licenseIsTheFullApacheLicense20() throws IOException {
        String license = Files.readString(Path.of("LICENSE"));
        assertTrue(license.contains("Apache License") && license.contains("Version 2.0, January 2004"), "Apache-2.0");
        assertTrue(license.contains("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION")
                && license.contains("END OF TERMS AND CONDITIONS"), "the full text, not a pointer to it");
    }

    private static String wrapperVersion(String script) {
        Matcher matcher = WRAPPER_VERSION.matcher(script);
        assertTrue(matcher.find(), "a Maven Wrapper script");
        return matcher.group(1);
    }
}
