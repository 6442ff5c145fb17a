package dev.nssimg.profile;

import java.util.List;

/**
 * The image's build arguments (spec: "Build Arguments"; their defaults are the Dockerfile's, never nssimg's)
 * and nssimg's built-in paths, images and platforms.
 */
public final class BuildArgs {
    public static final String CUDA_VERSION = "CUDA_VERSION";
    public static final String UBUNTU_VERSION = "UBUNTU_VERSION";
    public static final String CUDA_IMAGE_TYPE = "CUDA_IMAGE_TYPE";
    public static final String PYTHON_VERSION = "PYTHON_VERSION";
    public static final String UV_VERSION = "UV_VERSION";
    public static final String TARGETARCH = "TARGETARCH";
    public static final String CUDA_ARCH_FLAGS = "CUDA_ARCH_FLAGS";

    /** Spec order; the planner emits --build-arg in this order, then others by name. */
    public static final List<String> ORDER = List.of(
            CUDA_VERSION, UBUNTU_VERSION, CUDA_IMAGE_TYPE, PYTHON_VERSION, UV_VERSION, CUDA_ARCH_FLAGS);

    public static final String DEFAULT_PLATFORM = "linux/amd64";
    public static final List<String> MULTIARCH_PLATFORMS = List.of("linux/amd64", "linux/arm64");
    public static final String DEFAULT_DOCKERFILE = "containers/Dockerfile.cuda";
    public static final String DEFAULT_CONTEXT = ".";
    public static final String DEFAULT_IMAGE = "nss-gpu:latest";
    public static final String DEFAULT_IMAGE_DEV = "nss-gpu-dev:latest";

    /** Build arguments BuildKit defines itself; passing them is never "undeclared". */
    public static final List<String> BUILTIN = List.of(
            "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "BUILDPLATFORM", "BUILDOS",
            "BUILDARCH", "BUILDVARIANT", "HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY",
            "http_proxy", "https_proxy", "ftp_proxy", "no_proxy", "all_proxy", "SOURCE_DATE_EPOCH",
            "BUILDKIT_INLINE_CACHE", "BUILDKIT_SYNTAX", "BUILDKIT_MULTI_PLATFORM", "BUILDKIT_CONTEXT_KEEP_GIT_DIR",
            "BUILDKIT_SANDBOX_HOSTNAME");

    public static int order(String name) {
        int i = ORDER.indexOf(name);
        return i < 0 ? ORDER.size() : i;
    }

    private BuildArgs() {}
}
