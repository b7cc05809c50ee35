package io.streamner.cli;

import io.streamner.kafka.KafkaAccessException;
import io.streamner.kafka.Secrets;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code streamner} command line: one subcommand per class in this package. */
@Command(
    name = "streamner",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Trains and runs a window-based neural named-entity tagger.",
    subcommands = {
      TrainCommand.class,
      EvalCommand.class,
      TagCommand.class,
      JobCommand.class,
      ServeCommand.class,
      ExportCommand.class,
      ProduceCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  /** Exit code of a user error (bad option, missing file, bad model file). */
  public static final int USER_ERROR = 2;

  /** Exit code of a bug: something the user could not have caused. */
  public static final int INTERNAL_ERROR = 70;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "Missing command: one of train, eval, tag, job, serve, export, produce, demo");
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs a command line with the given output streams; returns the exit code. Tests call this. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // Messages of exceptions from deep inside Kafka or Flink may quote a setting: no secrets.
          commandLine.getErr().println("streamner: error: " + Secrets.redact(describe(e)));
          if (!(isUserError(e))) {
            commandLine
                .getErr()
                .println("(this looks like a bug; set STREAMNER_DEBUG=1 for the stack trace)");
            if (System.getenv("STREAMNER_DEBUG") != null) {
              java.io.StringWriter trace = new java.io.StringWriter();
              e.printStackTrace(new PrintWriter(trace));
              commandLine.getErr().print(Secrets.redact(trace.toString()));
            }
            return INTERNAL_ERROR;
          }
          return USER_ERROR;
        });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  static boolean isUserError(Throwable e) {
    return e instanceof UserError
        || e instanceof KafkaAccessException
        || e instanceof IOException
        || e instanceof IllegalArgumentException;
  }

  static String describe(Throwable e) {
    if (e instanceof NoSuchFileException || e instanceof FileNotFoundException) {
      return "file not found: " + e.getMessage();
    }
    if (e instanceof AccessDeniedException) return "permission denied: " + e.getMessage();
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }

  /** The version from the jar manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"streamner " + version()};
    }
  }

  public static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}
