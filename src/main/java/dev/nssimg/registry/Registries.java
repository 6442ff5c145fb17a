package dev.nssimg.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;

/** A registry's /v2/ endpoint, and whether the docker CLI has credentials for it (never the secrets themselves). */
public final class Registries {
    private Registries() {}

    /** The answer of REGISTRY/v2/: an HTTP status, or the reason none came. */
    public record Probe(String host, String url, int status, String error) {
        public boolean reached() {
            return error == null;
        }
    }

    /** The host part of a registry prefix such as 127.0.0.1:5000/team. */
    public static String host(String registry) {
        return registry.contains("/") ? registry.substring(0, registry.indexOf('/')) : registry;
    }

    /** GET /v2/ (plain HTTP for loopback registries, as the engine treats them), 5 s limits. */
    public static Probe probe(String registry) {
        String host = host(registry);
        boolean loopback = host.startsWith("127.") || host.startsWith("localhost") || host.startsWith("[::1]");
        String url = (loopback ? "http://" : "https://") + host + "/v2/";
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(5000);
            c.setReadTimeout(5000);
            int status = c.getResponseCode();
            c.disconnect();
            return new Probe(host, url, status, null);
        } catch (IOException | IllegalArgumentException e) {
            return new Probe(host, url, -1, e.getMessage());
        }
    }

    /** True when the docker config directory's config.json has auths, a helper or a store for host. */
    /**
     * Where the docker CLI would find credentials for host, named (never read): a login entry, a credential helper or
     * the credential store of DOCKER_CONFIG/config.json; null when it has none.
     */
    public static String credentials(Path dockerConfigDir, String host) {
        try {
            JsonNode n = new ObjectMapper().readTree(dockerConfigDir.resolve("config.json").toFile());
            if (n.path("credHelpers").has(host)) {
                return "credential helper docker-credential-" + n.path("credHelpers").path(host).asText();
            }
            if (n.path("auths").has(host)) {
                return n.hasNonNull("credsStore") ? "stored by docker-credential-" + n.path("credsStore").asText()
                        : "a docker login entry in " + dockerConfigDir.resolve("config.json");
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    public static boolean hasCredentials(Path dockerConfigDir, String host) {
        try {
            JsonNode n = new ObjectMapper().readTree(dockerConfigDir.resolve("config.json").toFile());
            return n.path("auths").has(host) || n.path("credHelpers").has(host) || n.hasNonNull("credsStore");
        } catch (IOException e) {
            return false;
        }
    }
}
