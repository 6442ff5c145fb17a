package dev.nssimg.cli;
public final class Main { public static void main(String[] a) {} }
