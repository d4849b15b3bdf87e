package camstream.source;

import camstream.config.CameraConfig;
import org.opencv.core.Mat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * An MJPEG AVI played in a loop at its own frame rate, read front to back by {@link AviReader}:
 * a file cut short plays the frames it has, a frame that does not decode is skipped. Each pass
 * opens the file again, so a file that grew or was replaced is seen whole. What was wrong with a
 * file is logged once, until the file changes.
 */
public final class MjpegAviSource implements FrameSource {

    private static final Logger LOG = Logger.getLogger(MjpegAviSource.class.getName());

    private final CameraConfig cfg;
    private final Path path;
    private final String name;
    private final ImageBuffer buffer = new ImageBuffer();
    private FileChannel channel;
    private AviReader reader;
    private FileStamp stamp;
    private int shown;
    private int undecodable;
    private double fps;
    /** The file as it was when its problems were logged, so that they are logged once. */
    private FileStamp warned;

    public MjpegAviSource(CameraConfig cfg, String path) {
        this.cfg = cfg;
        this.path = Path.of(path);
        this.name = String.valueOf(this.path.getFileName());
    }

    @Override
    public void open() throws SourceException {
        closeFile();
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new SourceException("no such file: " + name);
        } catch (IOException e) {
            throw new SourceException("cannot read " + name + ": " + ImageBuffer.why(e));
        }
        if (a.isDirectory()) {
            throw new SourceException(name + " is a folder, not an AVI file");
        }
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
            stamp = FileStamp.of(a);
            // Not seekable: a FIFO, skipped through by reading.
            reader = new AviReader(channel, a.isRegularFile());
            if (!reader.begin()) {
                closeFile();
                throw new SourceException(name + " is not an AVI file");
            }
        } catch (IOException e) {
            closeFile();
            throw new SourceException("cannot read " + name + ": " + ImageBuffer.why(e));
        }
        shown = 0;
        undecodable = 0;
    }

    @Override
    public void read(Mat frame) throws SourceException {
        if (reader == null) {
            throw new SourceException(describe() + " is not open");
        }
        try {
            while (true) {
                if (reader.next(buffer)) {
                    if (buffer.decode(frame)) {
                        shown++;
                        fps = reader.fps();
                        return;
                    }
                    undecodable++;
                    continue;
                }
                endOfPass();
                open();
            }
        } catch (IOException e) {
            throw new SourceException("cannot read " + name + ": " + ImageBuffer.why(e));
        }
    }

    /** Fails if the pass showed nothing, else logs what was wrong with the file once. */
    private void endOfPass() throws SourceException {
        if (shown == 0) {
            String codec = reader.codec().strip();
            boolean other = codec.matches("[A-Za-z0-9 ]+") && !codec.equalsIgnoreCase("MJPG");
            throw new SourceException(name + " has no readable frames" + (other ? " (its video is " + codec
                    + ", not MJPEG)" : ""));
        }
        List<String> problems = new ArrayList<>();
        if (undecodable > 0) {
            problems.add(frames(undecodable) + (undecodable == 1 ? " does" : " do") + " not decode");
        }
        if (reader.tooLarge() > 0) {
            problems.add(frames(reader.tooLarge()) + " over " + (ImageBuffer.MAX_BYTES >> 20) + " MiB, not read");
        }
        if (reader.cutShort()) {
            problems.add("it ends inside a frame (cut short?)");
        }
        if (!problems.isEmpty() && !stamp.equals(warned)) {
            warned = stamp;
            int good = shown;
            LOG.warning(() -> "Camera '" + cfg.id() + "': " + name + ": " + String.join("; ", problems)
                    + " - playing the " + frames(good) + " it can");
        }
    }

    private static String frames(int n) {
        return n + (n == 1 ? " frame" : " frames");
    }

    @Override
    public double pacingFps() {
        return fps > 0 && fps <= 240 ? fps : cfg.fps();
    }

    @Override
    public String describe() {
        return "file " + name;
    }

    @Override
    public void close() {
        closeFile();
        buffer.release();
    }

    private void closeFile() {
        reader = null;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing was written: nothing is lost.
            }
            channel = null;
        }
    }
}
