package camstream.it.support;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** External programs the tests drive: required on CI, skipped with a hint on a developer's machine. */
public final class Tools {

    private Tools() {
    }

    public static final String INSTALL_HINT = "sudo apt-get install chromium chromium-driver ffmpeg";

    public static Path require(String path) {
        Path p = Path.of(path);
        if (!Files.isExecutable(p)) {
            missing(p + " is missing; install it with: " + INSTALL_HINT);
        }
        return p;
    }

    /** Something a test needs is not installed: a failure on CI, a skip with {@code msg} on a developer's machine. */
    public static void missing(String msg) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(msg);
        }
        Assumptions.abort(msg);
    }

    public record Result(int exitCode, String output) {
    }

    /** Runs a command to completion (stdout and stderr together), killing it after {@code timeoutSeconds}. */
    public static Result run(long timeoutSeconds, Path workDir, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(command.get(0) + " did not finish in " + timeoutSeconds + " s: "
                    + Files.readString(out, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}
