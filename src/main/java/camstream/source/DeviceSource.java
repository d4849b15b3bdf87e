package camstream.source;

import camstream.config.CameraConfig;
import camstream.config.Pixels;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.videoio.VideoCapture;
import org.opencv.videoio.VideoWriter;
import org.opencv.videoio.Videoio;

import java.nio.file.Path;
import java.util.logging.Logger;

/** A V4L2 camera, by index ({@code 0} is {@code /dev/video0}) or by device path. */
public final class DeviceSource implements FrameSource {

    private static final Logger LOG = Logger.getLogger(DeviceSource.class.getName());

    private final CameraConfig cfg;
    private final String device;
    private final DeviceCheck check = DeviceCheck.system();
    private VideoCapture capture;
    private Mat raw;
    private boolean nativeMjpeg;

    public DeviceSource(CameraConfig cfg, String device) {
        this.cfg = cfg;
        this.device = device;
    }

    /** The device node behind the setting; an index N means /dev/videoN. */
    public Path path() {
        return device.startsWith("/") ? Path.of(device) : Path.of("/dev/video" + Integer.parseInt(device));
    }

    @Override
    public void open() throws SourceException {
        close();
        // Checked first so that a missing camera, or one camstream may not open, is one clear line
        // saying what to do, instead of OpenCV's warnings.
        Path node = path();
        String problem = check.beforeOpen(node, describe());
        if (problem != null) {
            throw new SourceException(problem);
        }
        VideoCapture c = device.startsWith("/")
                ? new VideoCapture(device, Videoio.CAP_V4L2)
                : new VideoCapture(Integer.parseInt(device), Videoio.CAP_V4L2);
        if (!c.isOpened()) {
            c.release();
            throw new SourceException(check.afterOpenFailed(node));
        }
        // Most USB cameras reach full size and rate only in MJPG; those that lack it ignore the request.
        c.set(Videoio.CAP_PROP_FOURCC, fourcc(cfg.options().fourcc().isEmpty() ? "MJPG" : cfg.options().fourcc()));
        c.set(Videoio.CAP_PROP_FRAME_WIDTH, cfg.width());
        c.set(Videoio.CAP_PROP_FRAME_HEIGHT, cfg.height());
        c.set(Videoio.CAP_PROP_FPS, cfg.fps());
        c.set(Videoio.CAP_PROP_BUFFERSIZE, 1);
        nativeMjpeg = false;
        if (Pixels.nativeMjpeg(cfg)) {
            // The camera's own JPEG pictures, undecoded: OpenCV hands over the raw buffer.
            c.set(Videoio.CAP_PROP_CONVERT_RGB, 0);
            nativeMjpeg = deliversMjpeg(c.get(Videoio.CAP_PROP_FOURCC), c.get(Videoio.CAP_PROP_CONVERT_RGB));
            if (!nativeMjpeg) {
                c.set(Videoio.CAP_PROP_CONVERT_RGB, 1);
                LOG.info(() -> "Camera '" + cfg.id() + "': " + describe() + " does not deliver MJPG; its pictures are"
                        + " decoded and encoded again");
            }
        }
        capture = c;
        LOG.info(() -> "Camera '" + cfg.id() + "': opened " + describe() + " at "
                + (int) c.get(Videoio.CAP_PROP_FRAME_WIDTH) + "x" + (int) c.get(Videoio.CAP_PROP_FRAME_HEIGHT)
                + "@" + c.get(Videoio.CAP_PROP_FPS));
    }

    @Override
    public void read(Mat frame) throws SourceException {
        if (capture == null || !capture.read(frame) || frame.empty()) {
            throw new SourceException(describe() + " stopped delivering frames");
        }
    }

    @Override
    public boolean deliversJpeg() {
        return nativeMjpeg;
    }

    @Override
    public JpegFrame readJpeg() throws SourceException {
        if (raw == null) {
            raw = new Mat();
        }
        if (capture == null || !capture.read(raw) || raw.empty()) {
            throw new SourceException(describe() + " stopped delivering frames");
        }
        if (raw.type() != CvType.CV_8UC1 || raw.rows() != 1 && raw.cols() != 1) {
            throw new SourceException(describe() + " delivered a picture that is not MJPEG");
        }
        byte[] jpeg = new byte[(int) raw.total()];
        raw.get(0, 0, jpeg);
        if (!startsAsJpeg(jpeg)) {
            throw new SourceException(describe() + " delivered a picture that is not MJPEG");
        }
        return new JpegFrame(jpeg, jpeg.length, -1);
    }

    /** The four-character code of a pixel format name such as {@code MJPG}. */
    static int fourcc(String name) {
        return VideoWriter.fourcc(name.charAt(0), name.charAt(1), name.charAt(2), name.charAt(3));
    }

    /** Whether a device, after MJPG and no conversion were asked, reports that it delivers exactly that. */
    static boolean deliversMjpeg(double reportedFourcc, double reportedConvertRgb) {
        return (int) reportedFourcc == fourcc("MJPG") && reportedConvertRgb == 0;
    }

    static boolean startsAsJpeg(byte[] b) {
        return b.length >= 4 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8;
    }

    @Override
    public double pacingFps() {
        return 0;
    }

    @Override
    public String describe() {
        return device.startsWith("/") ? device : "device " + device;
    }

    @Override
    public void close() {
        if (capture != null) {
            capture.release();
            capture = null;
        }
        if (raw != null) {
            raw.release();
            raw = null;
        }
        nativeMjpeg = false;
    }
}
