package dev.nssimg.smoke;

/** One smoke check's outcome. */
public record Check(String platform, String name, boolean ok, String detail) {}
