package camstream.camera;

import camstream.source.FrameSource;
import camstream.source.JpegFrame;
import camstream.source.SourceException;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A source that does what its test says on each open and read (by their number, counted from 1 over
 * the camera's life), and records when it was opened, read and closed, on the camera's clock.
 */
final class ScriptedSource implements FrameSource {

    /** What the n-th call does before it returns as a healthy source would. */
    interface Step {
        void run(int n) throws SourceException;

        Step OK = n -> { };
    }

    final List<Long> opened = new CopyOnWriteArrayList<>();
    final List<Long> reads = new CopyOnWriteArrayList<>();
    final List<Long> closed = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private volatile Step onOpen = Step.OK;
    private volatile Step onRead = Step.OK;
    private volatile int channels = 3;
    /** Set: the source delivers these JPEG bytes, as a relay does, instead of images. */
    private volatile byte[] jpeg;
    /** The source paces itself, and returns each read at once: an upstream as fast as it gets. */
    private volatile boolean selfPaced;
    private volatile boolean keepsNewest;

    ScriptedSource(Clock clock) {
        this.clock = clock;
    }

    ScriptedSource onOpen(Step step) {
        this.onOpen = step;
        return this;
    }

    ScriptedSource onRead(Step step) {
        this.onRead = step;
        return this;
    }

    /** Pictures with this many channels from now on (2: one the camera cannot show). */
    void channels(int n) {
        this.channels = n;
    }

    /**
     * From now on the source paces itself (and every read returns at once), as a device does, or when
     * {@code keepsNewest}, as a relay's stream does.
     */
    void pacesItself(boolean keepsNewest) {
        this.selfPaced = true;
        this.keepsNewest = keepsNewest;
    }

    /** From now on delivers {@code bytes} as each picture, ready encoded. */
    void deliverJpeg(byte[] bytes) {
        this.jpeg = bytes;
    }

    /** {@code step} on the {@code n}-th call only. */
    static Step on(int n, Step step) {
        return k -> {
            if (k == n) {
                step.run(k);
            }
        };
    }

    static Step fail(String message) {
        return n -> {
            throw new SourceException(message);
        };
    }

    /**
     * A call that does not return until {@code release} is counted down (or the capture thread is
     * interrupted); {@code entered} is counted down when it begins.
     */
    static Step hang(CountDownLatch entered, CountDownLatch release) {
        return n -> {
            entered.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new SourceException("the test never released the call");
                }
            } catch (InterruptedException e) {
                throw new SourceException("interrupted");
            }
        };
    }

    @Override
    public void open() throws SourceException {
        opened.add(clock.nanoTime());
        onOpen.run(opened.size());
    }

    @Override
    public void read(Mat frame) throws SourceException {
        reads.add(clock.nanoTime());
        onRead.run(reads.size());
        frame.create(48, 64, CvType.makeType(CvType.CV_8U, channels));
        frame.setTo(Scalar.all(reads.size() % 256));
    }

    @Override
    public boolean deliversJpeg() {
        return jpeg != null;
    }

    @Override
    public JpegFrame readJpeg() throws SourceException {
        reads.add(clock.nanoTime());
        onRead.run(reads.size());
        return new JpegFrame(jpeg, jpeg.length, 0);
    }

    @Override
    public double pacingFps() {
        return selfPaced ? 0 : 30;
    }

    @Override
    public boolean keepsNewest() {
        return keepsNewest;
    }

    @Override
    public String describe() {
        return "scripted source";
    }

    @Override
    public void close() {
        closed.add(clock.nanoTime());
    }
}
