package dev.nssimg.cli;

import dev.nssimg.error.ExitCode;
import dev.nssimg.error.Lines;
import dev.nssimg.error.NssimgException;
import dev.nssimg.report.Report;
import dev.nssimg.runtime.Invocation;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Builds the configured CommandLine; {@code dev.nssimg.Main} and the tests both go through here. */
public final class Cli {
    private Cli() {}

    /** A subcommand's name and class. */
    private record Sub(String name, Class<?> type) {}

    /** Subcommands in help order. Building picocli's model of each costs start-up time, so only the invoked one is built. */
    private static final List<Sub> COMMANDS = List.of(new Sub("build", BuildCommand.class), new Sub("check", CheckCommand.class),
            new Sub("smoke", SmokeCommand.class),
            new Sub("run", RunCommand.class), new Sub("doctor", DoctorCommand.class), new Sub("inspect", InspectCommand.class),
            new Sub("profiles", ProfilesCommand.class), new Sub("init", InitCommand.class), new Sub("builder", BuilderCommand.class),
            new Sub("sign", SignCommand.class), new Sub("verify", VerifyCommand.class),
            new Sub("daemon", DaemonCommand.class), new Sub("completion", CompletionCommand.class));

    public static int execute(Invocation ctx, String... args) {
        return create(ctx, args).execute(args);
    }

    /** The full command tree (help, completion). */
    public static CommandLine create(Invocation ctx) {
        return create(ctx, new String[0]);
    }

    /** The command tree for these arguments: only the invoked subcommand when it is known, else all of them. */
    public static CommandLine create(Invocation ctx, String[] args) {
        Factory factory = new Factory(ctx);
        CommandLine cl = new CommandLine(new RootCommand(), factory);
        String first = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(null);
        boolean onlyOne = first != null && !first.equals("completion") && COMMANDS.stream().anyMatch(c -> c.name().equals(first));
        for (Sub sub : COMMANDS) {
            if (!onlyOne || sub.name().equals(first)) {
                try {
                    cl.addSubcommand(sub.name(), new CommandLine(factory.create(sub.type()), factory));
                } catch (Exception ex) {
                    throw new IllegalStateException("cannot create command " + sub.name(), ex);
                }
            }
        }
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(exitCodes());
        addHelp(cl);
        cl.setExecutionStrategy(parsed -> {
            if (leaf(parsed).hasMatchedOption(Diagnostics.VERBOSE)) {
                ctx.log().enableDebug();
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        cl.setOut(ctx.out());
        cl.setErr(ctx.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, badArgs) -> {
            ctx.err().println(usageLine(ex.getMessage(), ex.getCommandLine()));
            ctx.err().flush();
            return ExitCode.USAGE.code();
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            boolean trace = leaf(parsed).hasMatchedOption(Diagnostics.STACKTRACE) || leaf(parsed).hasMatchedOption(Diagnostics.VERBOSE);
            int code;
            if (ex instanceof NssimgException n) {
                code = n.exitCode().code();
                // "interrupted" is a fact, not an error; everything else is one.
                ctx.err().println("nssimg: " + (n.exitCode() == ExitCode.INTERRUPTED ? "" : "error: ") + Lines.joined(n.getMessage()));
                Report.failure(ctx, c.getCommandSpec().qualifiedName(), code, Lines.joined(n.getMessage()));
            } else if (ex instanceof picocli.CommandLine.ParameterException p) {
                code = ExitCode.USAGE.code();
                ctx.err().println(usageLine(p.getMessage(), c));
            } else {
                code = ExitCode.FAILED.code();
                ctx.err().println("nssimg: internal error: " + ex + (trace ? "" : " (rerun with --stacktrace for details)"));
            }
            if (trace) {
                ex.printStackTrace(ctx.err());
            }
            ctx.err().flush();
            return code;
        });
        return cl;
    }

    /**
     * -h/--help (and -V) on every command, so `nssimg build --help` works like `nssimg --help`, and the
     * Diagnostics options (-v/--verbose, --stacktrace), which Cli acts on.
     */
    private static void addHelp(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().mixinStandardHelpOptions(true);
            sub.getCommandSpec().addMixin("diagnostics", CommandLine.Model.CommandSpec.forAnnotatedObject(new Diagnostics()));
            addHelp(sub);
        }
    }

    /** The parse result of the command that runs (the innermost subcommand). */
    private static CommandLine.ParseResult leaf(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult pr = parsed;
        while (pr.subcommand() != null) {
            pr = pr.subcommand();
        }
        return pr;
    }

    private static String usageLine(String message, CommandLine c) {
        return "nssimg: " + Lines.joined(message) + " (see '" + c.getCommandSpec().qualifiedName() + " --help')";
    }


    /** The help's exit-code list: the one table, {@link ExitCode}. */
    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        for (ExitCode c : ExitCode.values()) {
            codes.put(String.valueOf(c.code()), c.meaning());
        }
        return codes;
    }

    /** Gives every command the Invocation (constructor injection). */
    private record Factory(Invocation ctx) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(Invocation.class).newInstance(ctx);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
