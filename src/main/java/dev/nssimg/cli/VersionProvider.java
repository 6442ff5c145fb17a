package dev.nssimg.cli;

import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** "nssimg VERSION (commit ABC1234)", both recorded at build time (scripts/build-info); "commit unknown" without git. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws Exception {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/nssimg-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {"nssimg " + known(p.getProperty("version")) + " (commit " + known(p.getProperty("commit")) + ")"};
    }

    /** An unfiltered placeholder (a build that skipped filtering) is as unknown as a missing value. */
    private static String known(String value) {
        return value == null || value.isBlank() || value.startsWith("${") ? "unknown" : value;
    }
}
