package camstream;

import camstream.camera.Camera;
import camstream.camera.CameraStatus;
import camstream.record.Recorder;
import camstream.record.Recordings;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

import java.util.Collection;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * camstream's metrics in a registry of this instance's own (never the library's static default), so
 * that a redeployed webapp starts from nothing and an undeployed one leaves nothing behind.
 *
 * <p>Counters and gauges are read from the cameras when scraped; only the two histograms are fed as
 * things happen, once per encode and once per frame written to a viewer, without exemplars and with
 * classic buckets only (the library's native histograms keep a map per observation).
 */
final class PrometheusMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();

    PrometheusMetrics(Collection<Camera> cameras, Recordings recordings) {
        counter("camstream_frames_captured_total", "Pictures read from the source", cameras, c -> c.counters().captured());
        counter("camstream_frames_encoded_total",
                "JPEG encodes (pictures and placeholders), once per frame and variant whatever the viewers",
                cameras, c -> c.counters().encoded());
        counter("camstream_encodes_dropped_total",
                "Encodes not made because a newer picture of the same stream came before an encoder thread was free",
                cameras, c -> c.counters().droppedEncodes());
        counter("camstream_frames_duplicate_total",
                "Frames not sent because they were byte for byte the one before (dropDuplicates), per stream",
                cameras, c -> c.counters().duplicates());
        counter("camstream_frames_sent_total", "Parts written to stream viewers (pictures, placeholders, keep-alive repeats)",
                cameras, c -> c.broadcaster().deliveries().frames());
        counter("camstream_bytes_sent_total", "Bytes written to stream viewers", cameras,
                c -> c.broadcaster().deliveries().bytes());
        counter("camstream_frames_skipped_total", "Frames a slow viewer skipped because a newer one replaced them",
                cameras, c -> c.broadcaster().cameraSkipped());
        counter("camstream_source_opens_total", "Times the source was opened", cameras, c -> c.counters().opened());
        counter("camstream_source_reopens_total", "Times the source was opened again after a failure", cameras,
                c -> c.counters().reopens());
        counter("camstream_source_failures_total", "Times the source failed and was closed to be reopened", cameras,
                c -> c.counters().failures());
        counter("camstream_viewers_joined_total", "Stream viewers that connected", cameras, c -> c.broadcaster().cameraJoined());
        counter("camstream_viewers_left_total", "Stream viewers that disconnected or were disconnected", cameras,
                c -> c.broadcaster().cameraLeft());

        counter("camstream_h264_frames_encoded_total", "H.264 encodes of live pictures, once per frame whatever the viewers",
                cameras, c -> c.counters().videoEncoded());
        counter("camstream_h264_encode_seconds_total", "Time spent in H.264 encodes of live pictures", cameras,
                c -> c.counters().videoEncodeNanos() / 1e9);
        counter("camstream_h264_frames_passed_through_total",
                "Pictures of a camera's own H.264 sent to its H.264 viewers as they came, with no decode and no encode",
                cameras, c -> c.counters().passedThrough());
        counter("camstream_frames_decoded_total",
                "Pictures of a camera that sends H.264 or H.265 decoded because someone needed pixels", cameras,
                c -> c.counters().decoded());
        counter("camstream_hls_requests_total",
                "HLS requests answered (playlists, segments, parts); behind a cache, about one per part whatever the audience",
                cameras, c -> c.counters().hlsRequests());
        counter("camstream_motion_events_total", "Motion events started (cameras with motion detection on)", cameras,
                c -> c.motion() == null ? 0 : c.motion().eventCount());
        gauge("camstream_motion_active", "1 while a motion event lasts", cameras,
                c -> c.motion() != null && c.motion().moving() ? 1 : 0);
        gauge("camstream_viewers", "Connected stream viewers", cameras, c -> c.broadcaster().cameraViewerCount());
        gauge("camstream_h264_viewers", "Connected viewers of the H.264 stream (included in camstream_viewers)", cameras,
                Camera::videoViewerCount);
        gauge("camstream_variants", "Other sizes or qualities being made for viewers, besides the camera's own stream",
                cameras, c -> c.variants().size() - 1);
        gauge("camstream_source_open", "1 while the camera's source is open and delivering pictures", cameras,
                c -> c.status().state() == CameraStatus.State.LIVE ? 1 : 0);
        gauge("camstream_source_failing", "1 while the camera shows a placeholder instead of a picture", cameras,
                c -> c.status().failing() ? 1 : 0);
        gauge("camstream_capture_fps", "Live pictures per second captured, over the last second", cameras,
                c -> c.status().fps());
        counter("camstream_recording_bytes_total", "Bytes written to recordings", cameras,
                c -> recorded(recordings, c, Recorder::bytesWritten));
        counter("camstream_recording_errors_total", "Recording files ended by a write that failed (disk full, read-only, gone)",
                cameras, c -> recorded(recordings, c, Recorder::errors));
        gauge("camstream_recordings_active", "1 while the camera writes a recording", cameras,
                c -> recorded(recordings, c, r -> r.active() ? 1 : 0));
        GaugeWithCallback.builder().name("camstream_camera_state")
                .help("1 for the state the camera is in: idle, opening, live, no-signal or misconfigured")
                .labelNames("camera", "state")
                .callback(cb -> {
                    for (Camera c : cameras) {
                        CameraStatus.State now = c.status().state();
                        for (CameraStatus.State s : CameraStatus.State.values()) {
                            cb.call(s == now ? 1 : 0, c.id(), s.label());
                        }
                    }
                }).register(registry);
        CounterWithCallback.builder().name("camstream_relay_skipped_total")
                .help("What an http(s) source skipped: parts too_large (each ends the connection), not_jpeg or cut_short,"
                        + " runs of garbage between parts, and pictures replaced by a newer one before the camera took them")
                .labelNames("camera", "reason")
                .callback(cb -> {
                    for (Camera c : cameras) {
                        c.sourceCounters().forEach((reason, n) -> cb.call(n, c.id(), reason));
                    }
                }).register(registry);

        Histogram encode = Histogram.builder().name("camstream_encode_seconds").unit(Unit.SECONDS)
                .help("Time to convert and JPEG-encode one live picture")
                .labelNames("camera").classicOnly()
                .classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25)
                .withoutExemplars().build();
        Histogram latency = Histogram.builder().name("camstream_capture_to_send_seconds").unit(Unit.SECONDS)
                .help("From capture to the frame's write to a viewer returning (repeats not counted)")
                .labelNames("camera").classicOnly()
                .classicUpperBounds(0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2.5)
                .withoutExemplars().build();
        registry.register(encode);
        registry.register(latency);
        for (Camera c : cameras) {
            var encodes = encode.labelValues(c.id());
            c.counters().observeEncodes(nanos -> encodes.observe(nanos / 1e9));
            var sends = latency.labelValues(c.id());
            c.broadcaster().deliveries().observeLatency(nanos -> sends.observe(nanos / 1e9));
        }

        // The library's JvmMetrics less the allocation metrics, which add a listener to the JVM's garbage
        // collector beans that nothing removes: it would hold this webapp after an undeploy.
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    private static double recorded(Recordings recordings, Camera c, ToDoubleFunction<Recorder> value) {
        Recorder r = recordings.recorder(c.id());
        return r == null ? 0 : value.applyAsDouble(r);
    }

    PrometheusRegistry registry() {
        return registry;
    }

    private void counter(String name, String help, Collection<Camera> cameras, ToDoubleFunction<Camera> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("camera")
                .callback(perCamera(cameras, value, (cb, v, id) -> cb.call(v, id))).register(registry);
    }

    private void gauge(String name, String help, Collection<Camera> cameras, ToDoubleFunction<Camera> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("camera")
                .callback(perCamera(cameras, value, (cb, v, id) -> cb.call(v, id))).register(registry);
    }

    private interface Emit<C> {
        void call(C callback, double value, String camera);
    }

    private static <C> Consumer<C> perCamera(Collection<Camera> cameras, ToDoubleFunction<Camera> value, Emit<C> emit) {
        return cb -> {
            for (Camera c : cameras) {
                emit.call(cb, value.applyAsDouble(c), c.id());
            }
        };
    }
}
