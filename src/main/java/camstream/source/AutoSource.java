package camstream.source;

import camstream.config.CameraConfig;
import org.opencv.core.Mat;

import java.nio.file.Files;
import java.util.logging.Logger;

/**
 * Device 0 if it opens, else the test pattern saying why. The device is tried again at every
 * open, so a camera plugged in later is picked up when viewers next arrive.
 */
final class AutoSource implements FrameSource {

    private static final Logger LOG = Logger.getLogger(AutoSource.class.getName());

    private final CameraConfig cfg;
    private FrameSource current;
    /** Why device 0 is not shown, while the test pattern is. */
    private String why;
    /** The last reason warned about, so that retries do not repeat it. */
    private String unusable;

    AutoSource(CameraConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public void open() throws SourceException {
        close();
        DeviceSource device = new DeviceSource(cfg, "0");
        try {
            device.open();
            current = device;
            unusable = null;
        } catch (SourceException e) {
            String reason = e.getMessage();
            why = reason;
            // No camera is the normal case without one; a camera that is there but unusable is worth a warning, once.
            if (Files.exists(device.path()) && !reason.equals(unusable)) {
                unusable = reason;
                LOG.warning(() -> "Camera '" + cfg.id() + "': " + reason + "; showing the test pattern until it opens");
            }
            current = new TestPatternSource(cfg, reason + " - showing test pattern");
            current.open();
        }
    }

    @Override
    public void read(Mat frame) throws SourceException {
        if (current == null) {
            throw new SourceException("not open");
        }
        current.read(frame);
    }

    @Override
    public boolean deliversJpeg() {
        return current != null && current.deliversJpeg();
    }

    @Override
    public JpegFrame readJpeg() throws SourceException {
        if (current == null) {
            throw new SourceException("not open");
        }
        return current.readJpeg();
    }

    @Override
    public double pacingFps() {
        return current == null ? cfg.fps() : current.pacingFps();
    }

    @Override
    public String describe() {
        if (current == null) {
            return "device 0 or test pattern";
        }
        return current instanceof TestPatternSource ? "test pattern (" + why + ")" : current.describe();
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
