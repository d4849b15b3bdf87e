package camstream.source;

import camstream.config.CameraConfig;
import org.opencv.core.Mat;
import org.opencv.videoio.VideoCapture;
import org.opencv.videoio.Videoio;

import java.nio.file.Path;

/**
 * An MJPEG AVI (OpenCV's built-in reader) or an image sequence such as {@code img%04d.jpg},
 * played in a loop at the file's frame rate (an image sequence has none: the camera's fps is used).
 */
public final class FileSource implements FrameSource {

    private final CameraConfig cfg;
    private final String path;
    private VideoCapture capture;
    private double fps;
    private long framesSinceRewind;

    public FileSource(CameraConfig cfg, String path) {
        this.cfg = cfg;
        this.path = path;
    }

    private boolean sequence() {
        return path.contains("%");
    }

    @Override
    public void open() throws SourceException {
        close();
        if (!sequence() && !java.nio.file.Files.isRegularFile(Path.of(path))) {
            throw new SourceException("no such file: " + Path.of(path).getFileName());
        }
        VideoCapture c = new VideoCapture(path, sequence() ? Videoio.CAP_IMAGES : Videoio.CAP_OPENCV_MJPEG);
        if (!c.isOpened()) {
            c.release();
            throw new SourceException("cannot read " + describe()
                    + (sequence() ? " (no images match)" : " (not an MJPEG AVI?)"));
        }
        double fileFps = sequence() ? 0 : c.get(Videoio.CAP_PROP_FPS);
        fps = fileFps > 0 && fileFps <= 240 ? fileFps : cfg.fps();
        capture = c;
        framesSinceRewind = 0;
    }

    @Override
    public void read(Mat frame) throws SourceException {
        if (capture == null) {
            throw new SourceException(describe() + " is not open");
        }
        if (capture.read(frame) && !frame.empty()) {
            framesSinceRewind++;
            return;
        }
        if (framesSinceRewind == 0) {
            throw new SourceException(describe() + " has no readable frames");
        }
        // End of file: start over. Reopening works for both readers, seeking does not.
        open();
        if (!capture.read(frame) || frame.empty()) {
            throw new SourceException(describe() + " has no readable frames");
        }
        framesSinceRewind = 1;
    }

    @Override
    public double pacingFps() {
        return fps > 0 ? fps : cfg.fps();
    }

    @Override
    public String describe() {
        return "file " + Path.of(path).getFileName();
    }

    @Override
    public void close() {
        if (capture != null) {
            capture.release();
            capture = null;
        }
    }
}
