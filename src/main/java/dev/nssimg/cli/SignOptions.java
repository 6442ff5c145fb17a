package dev.nssimg.cli;

import dev.nssimg.app.Signatures;
import picocli.CommandLine.Option;

/** How `sign` and `verify` sign: a key, or keyless with the certificate's identity and issuer, and the transparency log. */
public final class SignOptions {
    @Option(names = "--key", paramLabel = "KEYREF",
            description = "cosign key: a file, env://NAME or a KMS URI (verify: the public key). Default: the profile's sign: key."
                    + " A private key's password comes from COSIGN_PASSWORD only.")
    String key;

    @Option(names = "--keyless", description = "Keyless signing (Fulcio and Rekor, an OIDC token from CI); never chosen by itself.")
    boolean keyless;

    @Option(names = "--identity", paramLabel = "ID", description = "Keyless: the certificate identity (e.g. the workflow's URL).")
    String identity;

    @Option(names = "--issuer", paramLabel = "URL", description = "Keyless: the certificate's OIDC issuer.")
    String issuer;

    @Option(names = "--tlog", negatable = true, paramLabel = "",
            description = "Use the transparency log (cosign's default); --no-tlog for private registries and offline use."
                    + " Default: the profile's sign: tlog, else on.")
    Boolean tlog;

    Signatures.Flags flags() {
        return new Signatures.Flags(key, keyless, identity, issuer, tlog);
    }
}
