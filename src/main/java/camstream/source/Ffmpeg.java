package camstream.source;

import camstream.config.SourceSpec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One ffmpeg child process: what reads an IP camera's stream, or decodes it. Its error output is
 * read by a named thread of its own, each line masked (it repeats the camera's URL) and handed on;
 * {@link #close} ends the process and waits for it and that thread, so nothing outlives the camera.
 */
final class Ffmpeg implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Ffmpeg.class.getName());

    private final Process process;
    private final Thread errors;
    private final String what;
    private volatile String lastError = "";

    /**
     * @param thread  the name of the thread that reads its error output
     * @param what    what it does, for messages: "reading rtsp://…" (masked)
     * @param program the ffmpeg program setting
     * @param lines   told each line of its error output, masked, on that thread
     */
    Ffmpeg(String thread, String what, String program, List<String> args, Consumer<String> lines) throws SourceException {
        this.what = what;
        List<String> command = new ArrayList<>(args.size() + 1);
        command.add(program);
        command.addAll(args);
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new SourceException("cannot run ffmpeg ('" + program + "': " + e.getMessage()
                    + "); install the package ffmpeg or set camstream.ffmpeg");
        }
        errors = new Thread(() -> readErrors(lines), thread);
        errors.setDaemon(true);
        errors.start();
    }

    private void readErrors(Consumer<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String masked = SourceSpec.mask(line.strip());
                if (!masked.isEmpty()) {
                    if (isError(masked)) {
                        lastError = masked;
                    }
                    lines.accept(masked);
                }
            }
        } catch (IOException e) {
            // The process ended, or close() did.
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Reading the output of ffmpeg " + what + " failed", e);
        }
    }

    /** Whether a line of {@code -loglevel level+…} output is an error (or has no level: ffmpeg's own last words). */
    static boolean isError(String line) {
        return line.contains("[error] ") || line.contains("[fatal] ") || line.contains("[panic] ")
                || !line.startsWith("[");
    }

    InputStream stdout() {
        return process.getInputStream();
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The last line ffmpeg wrote to its error output, masked; "" if none. */
    String lastError() {
        return lastError;
    }

    /** Why the process ended, for viewers: its last error line, or its exit code. */
    String ended() {
        String e = lastError;
        if (!e.isEmpty()) {
            return e;
        }
        return process.isAlive() ? "ffmpeg stopped sending" : "ffmpeg ended with exit code " + process.exitValue();
    }

    /** Waits up to {@code millis} for the error output to be read to its end, so {@link #ended} tells the last line. */
    void awaitErrors(long millis) throws InterruptedException {
        errors.join(millis);
    }

    /** Ends the process (asked first, then forced) and waits for it and its error reader, interrupted or not. */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // Already gone.
        }
        process.destroy();
        interrupted |= await(() -> process.waitFor(2, TimeUnit.SECONDS));
        if (process.isAlive()) {
            process.destroyForcibly();
            interrupted |= await(() -> process.waitFor(5, TimeUnit.SECONDS));
        }
        try {
            process.getInputStream().close();
        } catch (IOException e) {
            // Already gone.
        }
        interrupted |= await(() -> {
            errors.join(TimeUnit.SECONDS.toMillis(2));
            return true;
        });
        if (errors.isAlive() || process.isAlive()) {
            LOG.warning(() -> "ffmpeg " + what + " did not end (process " + process.pid() + ")");
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Wait {
        boolean run() throws InterruptedException;
    }

    /** Runs a wait to its end though the thread is interrupted meanwhile; true if it was. */
    private static boolean await(Wait wait) {
        boolean interrupted = false;
        while (true) {
            try {
                wait.run();
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }
}
