package camstream.motion;

import camstream.NativeOpenCv;
import camstream.config.MotionOptions;
import camstream.it.support.Await;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** One camera's motion thread, fed pictures as the capture thread feeds it. */
class MotionTest {

    @BeforeAll
    static void loadOpenCv() {
        assertNull(NativeOpenCv.load());
    }

    @Test
    void picturesThatKeepFailingAreLoggedOnceNotEachOfThem() throws Exception {
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(Motion.class.getName());
        log.addHandler(handler);
        Motion motion = new Motion("yard", new MotionOptions(true, 50, 1, List.of(), 3, null), List.of());
        Mat nothing = new Mat(); // no pixels: detection fails on it
        try {
            motion.start();
            for (int i = 1; i <= 5; i++) {
                Await.until(Duration.ofSeconds(5), "a picture due", motion::due);
                motion.offer(nothing, i * 200_000L);
                int n = i;
                Await.until(Duration.ofSeconds(5), "picture " + i + " failed", () -> motion.failures() == n);
            }
        } finally {
            motion.signalStop();
            motion.join(System.nanoTime() + 5_000_000_000L);
            log.removeHandler(handler);
            nothing.release();
        }
        assertEquals(1, warnings.size(), "5 failed pictures, warnings: " + warnings.stream().map(LogRecord::getMessage).toList());
    }
}
