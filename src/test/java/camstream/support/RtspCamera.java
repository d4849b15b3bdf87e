package camstream.support;

import camstream.it.support.Tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An IP camera on 127.0.0.1 for the tests: GStreamer's RTSP server ({@code rtsp/camera.py}, Debian's
 * python3-gi and gir1.2-gst-rtsp-server-1.0) serving live H.264 ({@code /h264}, 640x480, and
 * {@code /h264-1080}) and H.265 ({@code /h265}) to any number of clients, optionally behind a user and
 * password. It can be told to go silent, to resume and to change its picture size mid-stream; it ends
 * when closed, and by itself when the test JVM goes (its standard input closes).
 */
public final class RtspCamera implements AutoCloseable {

    public static final String INSTALL_HINT = "sudo apt-get install python3-gi gir1.2-gst-rtsp-server-1.0"
            + " gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly"
            + " gstreamer1.0-x";

    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private int port;

    private RtspCamera(Process process, int port) {
        this.process = process;
        this.port = port;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** A camera on a free port. */
    public static RtspCamera start() throws IOException {
        return start(0, null);
    }

    /**
     * A camera on {@code port} (0: a free one), asking for {@code user:password} if not null. A port
     * just freed by another camera (a reboot) may take a moment: it is tried for a few seconds.
     */
    public static RtspCamera start(int port, String credentials) throws IOException {
        return start(port, credentials, false);
    }

    /** As {@link #start(int, String)}; {@code h265Firmware}: {@code /h264} sends H.265, as a camera after a firmware update. */
    public static RtspCamera start(int port, String credentials, boolean h265Firmware) throws IOException {
        Path python = Tools.require("/usr/bin/python3");
        Path script;
        try {
            script = Path.of(RtspCamera.class.getResource("/rtsp/camera.py").toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<String> command = new ArrayList<>(List.of(python.toString(), script.toString(), String.valueOf(port)));
            if (credentials != null) {
                command.add(credentials);
            }
            if (h265Firmware) {
                command.add("h265-firmware");
            }
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            RtspCamera camera = new RtspCamera(p, port);
            String line = camera.out.readLine();
            if (line != null && line.startsWith("port ")) {
                camera.port = Integer.parseInt(line.substring(5).trim());
                return camera;
            }
            camera.close();
            if (System.nanoTime() > deadline) {
                Tools.missing("the RTSP test camera did not start; install GStreamer's RTSP server with: " + INSTALL_HINT);
            }
            try {
                Thread.sleep(200); // the port is still held by the camera before: no event tells when it is free
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    public int port() {
        return port;
    }

    /** The camera's process, for a benchmark that keeps its CPU apart from the server's. */
    public long pid() {
        return process.pid();
    }

    /** {@code rtsp://[credentials@]127.0.0.1:PORT/PATH}. */
    public String url(String path, String credentials) {
        return "rtsp://" + (credentials == null ? "" : credentials + "@") + "127.0.0.1:" + port + path;
    }

    /** Sends a command ({@code silence}, {@code resume}, {@code size W H}, {@code loss P}) and waits until it is done. */
    public void command(String command) throws IOException {
        in.write(command + "\n");
        in.flush();
        String line;
        while ((line = out.readLine()) != null) {
            if (line.equals("done " + command)) {
                return;
            }
        }
        throw new IOException("the RTSP test camera ended");
    }

    /** Kills the camera at once, as a power cut or a reboot would: connections are reset. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // Already gone.
        }
        try {
            if (process.waitFor(5, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
    }
}
