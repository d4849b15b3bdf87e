package camstream;

import camstream.camera.Camera;
import camstream.camera.CameraServices;
import camstream.camera.EncodePool;
import camstream.camera.Watchdog;
import camstream.config.CameraConfig;
import camstream.config.Settings;
import camstream.encode.JpegEncoder;
import camstream.encode.H264Encoders;
import camstream.encode.JpegEncoders;
import camstream.record.Recordings;
import camstream.record.TimeLapses;
import camstream.motion.Webhook;
import camstream.source.FfmpegCheck;
import camstream.source.RelayClients;
import camstream.stream.Admission;
import camstream.stream.Via;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The running application: the pool that writes frames to viewers, the cameras, and the watchdog
 * that speaks for them. Built in dependency order by {@link #start}, torn down in reverse by {@link #stop}.
 */
public final class Camstream {

    /** ServletContext attribute under which the running instance is kept. */
    public static final String ATTRIBUTE = Camstream.class.getName();

    private static final Logger LOG = Logger.getLogger(Camstream.class.getName());

    private final Settings settings;
    private final ExecutorService writers;
    private EncodePool encoders;
    private final Map<String, Camera> cameras = new LinkedHashMap<>();
    private Watchdog watchdog;
    private TimeLapses timeLapses;
    private PrometheusMetrics metrics;
    private Recordings recordings;
    /** Posts motion events; null without camstream.motion.webhook. */
    private Webhook webhook;
    private final Admission admission;
    /** Whether each native library loaded, in words: for /status. */
    private Map<String, String> nativeLibraries = Map.of();
    private final Instant started = Instant.now();
    private volatile boolean stopped;

    private Camstream(Settings settings) {
        this.settings = settings;
        this.admission = new Admission(settings.access().maxViewers(), id -> settings.access().camera(id).maxViewers());
        int n = Math.max(2, Runtime.getRuntime().availableProcessors());
        AtomicInteger count = new AtomicInteger();
        // Each viewer has at most one drain queued (its state machine guarantees it), so the queue is bounded by viewers.
        this.writers = new ThreadPoolExecutor(n, n, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "camstream-writer-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public static Camstream start(Settings settings) {
        return start(settings, "camstream");
    }

    /** @param address how people know this camstream (e.g. {@code 10.0.0.5:8080/camstream}), for the paths of its pictures */
    public static Camstream start(Settings settings, String address) {
        return start(settings, address, null);
    }

    /** @param webapp the webapp's directory, where no recordings may be (null: a packed WAR, none) */
    public static Camstream start(Settings settings, String address, Path webapp) {
        NativeAccess.check();
        String noOpenCv = NativeOpenCv.load();
        if (noOpenCv != null) {
            LOG.warning("OpenCV did not load (" + noOpenCv + "): cameras that read a device, a file or the test pattern"
                    + " are off; relay cameras (http://) pass their pictures through as they come, without other sizes,"
                    + " transforms or placeholders with text");
        }
        Supplier<JpegEncoder> jpegEncoders = onOwnThread("camstream-encoder-setup", () -> JpegEncoders.choose(settings.encoder()));
        String noVideo = noOpenCv != null ? "OpenCV did not load"
                : onOwnThread("camstream-encoder-setup", () -> H264Encoders.probe(settings.openH264Library()));
        Camstream app = new Camstream(settings);
        app.encoders = EncodePool.start(settings.encodeThreads(), jpegEncoders);
        app.nativeLibraries = Map.of("opencv", noOpenCv == null ? "loaded" : "not loaded: " + noOpenCv,
                "turbojpeg", JpegEncoders.turboJpegLoaded() ? "loaded"
                        : "not loaded: JPEG encoding uses OpenCV (install libturbojpeg0 for about five times faster)",
                "openh264", noVideo == null ? "loaded" : "not loaded: " + noVideo + "; H.264 is off, pages show JPEG pictures",
                "ffmpeg", FfmpegCheck.probe(settings.cameras()));
        CameraServices services = CameraServices.of(settings, app.writers, app.encoders, noOpenCv,
                Via.Server.start(address), noVideo);
        for (CameraConfig cfg : settings.cameras()) {
            app.cameras.put(cfg.id(), new Camera(cfg, services));
        }
        app.webhook = webhook(app.cameras.values());
        app.watchdog = new Watchdog(new ArrayList<>(app.cameras.values()), jpegEncoders);
        for (Camera c : app.cameras.values()) {
            c.start();
        }
        app.recordings = Recordings.start(app.cameras.values(), webapp);
        app.metrics = new PrometheusMetrics(app.cameras.values(), app.recordings);
        app.watchdog.start();
        app.timeLapses = TimeLapses.start(app.cameras.values(), app.recordings.library(), java.time.Clock.systemDefaultZone());
        LOG.info(() -> "camstream started with " + app.cameras.size() + " camera(s): " + app.cameras.keySet()
                + ", idle timeout " + settings.idleTimeoutSeconds() + " s, " + settings.encodeThreads() + " encoder threads");
        return app;
    }

    /** The webhook of {@code camstream.motion.webhook}, told by every camera that detects motion; null when none. */
    private static Webhook webhook(Collection<Camera> cameras) {
        List<Camera> detecting = cameras.stream().filter(c -> c.motion() != null).toList();
        String url = detecting.isEmpty() ? null : detecting.get(0).config().motion().webhook();
        if (url == null) {
            return null;
        }
        Webhook hook = new Webhook(url);
        detecting.forEach(c -> c.motion().listen(hook));
        return hook;
    }

    /**
     * Runs {@code work} on a short-lived thread and waits for it. JNA leaves ThreadLocals on the
     * threads that bind and unbind a library; on a container thread they would outlive the webapp.
     */
    private static <T> T onOwnThread(String name, Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + " interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        } finally {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * JNA runs {@code /sbin/ldconfig} when it loads. On Java 17 the JDK's "process reaper" thread that
     * waits for such a process takes the context class loader of the thread that started it, this
     * webapp's, and is kept for reuse until 60 s after the last process: it would hold this webapp's
     * class loader after the webapp stopped (Tomcat's Manager lists that as a leak; it does not warn,
     * the thread being the JDK's). It is handed this webapp's parent loader instead, as Tomcat does
     * for the JDK's Keep-Alive-Timer thread.
     */
    private static void releaseProcessReaper() {
        ClassLoader ours = Camstream.class.getClassLoader();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if ("process reaper".equals(t.getName()) && t.getContextClassLoader() == ours) {
                t.setContextClassLoader(ours.getParent());
            }
        }
    }

    public Settings settings() {
        return settings;
    }

    /** This instance's Prometheus registry: camstream's metrics and the JVM's. */
    public PrometheusRegistry registry() {
        return metrics.registry();
    }

    /** "loaded", or "not loaded: why", for OpenCV and libjpeg-turbo. */
    public Map<String, String> nativeLibraries() {
        return nativeLibraries;
    }

    /** The recordings of every camera and their recorders. */
    public Recordings recordings() {
        return recordings;
    }

    /** The time-lapse of each camera. */
    public TimeLapses timeLapses() {
        return timeLapses;
    }

    /** The viewer limits. */
    public Admission admission() {
        return admission;
    }

    /** When this instance started. */
    public Instant started() {
        return started;
    }

    /** The camera at {@code index} in the order of {@code camstream.cameras}, or null. */
    public Camera camera(int index) {
        return index >= 0 && index < cameras.size() ? new ArrayList<>(cameras.values()).get(index) : null;
    }

    public Camera camera(String id) {
        return cameras.get(id);
    }

    public Collection<Camera> cameras() {
        return cameras.values();
    }

    /** The camera that {@code /video_feed} shows: the first configured. */
    public Camera defaultCamera() {
        return cameras.values().iterator().next();
    }

    public boolean stopped() {
        return stopped;
    }

    /**
     * Ends every stream, stops and joins every thread, releases every source. Returns within about
     * the source timeout even when a source hangs; that camera's thread is named in the log and ends
     * by itself when its call returns. Safe to call twice.
     */
    public void stop() throws InterruptedException {
        if (stopped) {
            return;
        }
        stopped = true;
        // First, while the cameras still run: each time-lapse and recording is closed whole.
        if (timeLapses != null) {
            timeLapses.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        }
        List<String> recording = recordings == null ? List.of()
                : recordings.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        if (!recording.isEmpty()) {
            LOG.warning(() -> "The recorders of camera(s) " + recording + " did not finish their files within 5 s");
        }
        for (Camera c : cameras.values()) {
            c.closeViewers("server stopping");
        }
        for (Camera c : cameras.values()) {
            c.signalStop();
        }
        watchdog.stop();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(2, settings.sourceTimeoutSeconds()));
        List<Camera> stuck = new ArrayList<>();
        for (Camera c : cameras.values()) {
            if (!c.join(deadline)) {
                stuck.add(c);
            }
        }
        if (webhook != null) {
            webhook.stop();
        }
        RelayClients.release();
        boolean encodersEnded = encoders.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        writers.shutdown();
        if (!writers.awaitTermination(10, TimeUnit.SECONDS)) {
            writers.shutdownNow();
            LOG.warning("Writer threads did not stop within 10 s");
        }
        // Viewers that raced in during shutdown.
        for (Camera c : cameras.values()) {
            c.closeViewers("server stopping");
        }
        // A capture thread stuck in a read never encodes; only an encoder thread still inside an encode
        // keeps the library from being unloaded under it.
        if (encodersEnded) {
            for (Camera c : cameras.values()) {
                c.releaseEncoders();
            }
            onOwnThread("camstream-encoder-release", () -> {
                JpegEncoders.release();
                return null;
            });
        }
        releaseProcessReaper();
        if (stuck.isEmpty()) {
            LOG.info("camstream stopped");
        } else {
            LOG.warning(() -> "camstream stopped, except the capture thread of camera(s) "
                    + stuck.stream().map(Camera::id).toList() + ", which ends when its source returns");
        }
    }
}
