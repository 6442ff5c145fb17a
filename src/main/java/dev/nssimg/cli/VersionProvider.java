package dev.nssimg.cli;

import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws Exception {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/nssimg-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {"nssimg " + p.getProperty("version", "unknown")};
    }
}
