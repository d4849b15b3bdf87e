package camstream.source;

import camstream.config.CameraConfig;
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
        c.set(Videoio.CAP_PROP_FOURCC, VideoWriter.fourcc('M', 'J', 'P', 'G'));
        c.set(Videoio.CAP_PROP_FRAME_WIDTH, cfg.width());
        c.set(Videoio.CAP_PROP_FRAME_HEIGHT, cfg.height());
        c.set(Videoio.CAP_PROP_FPS, cfg.fps());
        c.set(Videoio.CAP_PROP_BUFFERSIZE, 1);
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
    }
}
