package camstream.source;

import camstream.config.CameraConfig;
import org.opencv.core.Mat;

/**
 * Device 0 if it opens, else the test pattern saying why. The device is tried again at every
 * open, so a camera plugged in later is picked up when viewers next arrive.
 */
final class AutoSource implements FrameSource {

    private final CameraConfig cfg;
    private FrameSource current;

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
        } catch (SourceException e) {
            current = new TestPatternSource(cfg, e.getMessage() + " - showing test pattern");
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
    public double pacingFps() {
        return current == null ? cfg.fps() : current.pacingFps();
    }

    @Override
    public String describe() {
        return current == null ? "device 0 or test pattern" : current.describe();
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
