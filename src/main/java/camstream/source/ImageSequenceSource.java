package camstream.source;

import camstream.config.CameraConfig;
import org.opencv.core.Mat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.logging.Logger;
import java.util.stream.LongStream;

/**
 * The images whose names fit a printf-style pattern such as {@code /data/img%04d.jpg}, played in a
 * loop in number order at the camera's fps. The folder is listed again at every loop, so any start
 * number works, gaps are skipped, and images added or removed are seen. An image that cannot be
 * read or decoded is skipped and logged once, until its size or time changes. Images may be of any
 * depth, grey or colour: {@link camstream.encode.Pictures} converts them.
 */
public final class ImageSequenceSource implements FrameSource {

    private static final Logger LOG = Logger.getLogger(ImageSequenceSource.class.getName());
    private static final Pattern CONVERSION = Pattern.compile("%(?:0(\\d{1,2}))?d");
    private static final String USAGE = "an image sequence needs one %d or %0Nd in its file name, e.g. img%04d.jpg";
    /** Longer numbers would not fit a long. */
    private static final int MAX_DIGITS = 18;

    private final CameraConfig cfg;
    private final Path folder;
    private final String pattern;
    private final String prefix;
    private final String suffix;
    /** Digits of %0Nd, 0 for %d. */
    private final int width;
    private final ImageBuffer buffer = new ImageBuffer();
    /** Images that could not be shown, as they were then: skipped unread until they change. */
    private final Map<Long, FileStamp> bad = new HashMap<>();
    /** The numbers of this loop's images, ascending; null while closed. */
    private long[] numbers;
    private int next;
    private int shown;

    /** Throws IllegalArgumentException if the file name has no single %d or %0Nd. */
    public ImageSequenceSource(CameraConfig cfg, String path) {
        this.cfg = cfg;
        Path p = Path.of(path);
        this.pattern = String.valueOf(p.getFileName());
        this.folder = p.getParent() != null ? p.getParent() : Path.of(".");
        StringBuilder literal = new StringBuilder();
        String before = null;
        int digits = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%') {
                literal.append(c);
            } else if (pattern.startsWith("%", i + 1)) {
                literal.append('%');
                i++;
            } else {
                Matcher m = CONVERSION.matcher(pattern).region(i, pattern.length());
                if (before != null || !m.lookingAt()) {
                    throw new IllegalArgumentException(USAGE);
                }
                before = literal.toString();
                literal.setLength(0);
                digits = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
                i = m.end() - 1;
            }
        }
        if (before == null) {
            throw new IllegalArgumentException(USAGE);
        }
        this.prefix = before;
        this.suffix = literal.toString();
        this.width = digits;
    }

    /** The file name of image {@code n}, as printf would write it. */
    String fileName(long n) {
        String digits = Long.toString(n);
        return prefix + "0".repeat(Math.max(0, width - digits.length())) + digits + suffix;
    }

    /** The number in a file name that fits the pattern, or -1; only names printf would write fit. */
    long number(String fileName) {
        int end = fileName.length() - suffix.length();
        if (end - prefix.length() < 1 || end - prefix.length() > MAX_DIGITS
                || !fileName.startsWith(prefix) || !fileName.endsWith(suffix)) {
            return -1;
        }
        for (int i = prefix.length(); i < end; i++) {
            char c = fileName.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        long n = Long.parseLong(fileName, prefix.length(), end, 10);
        // img05.jpg does not fit img%03d.jpg, nor img005.jpg img%d.jpg: one name per number.
        return fileName.equals(fileName(n)) ? n : -1;
    }

    @Override
    public void open() throws SourceException {
        close();
        rewind();
    }

    /** Lists the folder for the next loop. */
    private void rewind() throws SourceException {
        LongStream.Builder found = LongStream.builder();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                long n = number(f.getFileName().toString());
                if (n >= 0) {
                    found.add(n);
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw new SourceException("no such folder: " + folderName());
        } catch (IOException | DirectoryIteratorException e) {
            IOException io = e instanceof DirectoryIteratorException d ? d.getCause() : (IOException) e;
            throw new SourceException("cannot list the folder of " + pattern + ": " + ImageBuffer.why(io));
        }
        long[] listed = found.build().sorted().toArray();
        if (listed.length == 0) {
            throw new SourceException("no files match " + pattern);
        }
        // Forget images that are gone, so that one put back is tried again.
        bad.keySet().removeIf(n -> Arrays.binarySearch(listed, n) < 0);
        numbers = listed;
        next = 0;
        shown = 0;
    }

    private String folderName() {
        Path name = folder.toAbsolutePath().normalize().getFileName();
        return name != null ? name.toString() : folder.toString();
    }

    @Override
    public void read(Mat frame) throws SourceException {
        if (numbers == null) {
            throw new SourceException(describe() + " is not open");
        }
        while (true) {
            if (next == numbers.length) {
                if (shown == 0) {
                    throw new SourceException("no readable image among " + numbers.length + " files matching " + pattern);
                }
                rewind();
            }
            if (show(numbers[next++], frame)) {
                shown++;
                return;
            }
        }
    }

    /** Reads and decodes one image into {@code frame}; false if it is skipped. */
    private boolean show(long n, Mat frame) {
        String name = fileName(n);
        Path file = folder.resolve(name);
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return false; // removed since the listing
        }
        FileStamp stamp = FileStamp.of(a);
        if (stamp.equals(bad.get(n))) {
            return false;
        }
        String why = load(file, a, frame);
        if (why == null) {
            bad.remove(n);
            return true;
        }
        // Not known to be bad as it is now (new, or changed since): say so once.
        bad.put(n, stamp);
        LOG.warning(() -> "Camera '" + cfg.id() + "': skipping " + name + ": " + why);
        return false;
    }

    /** Null if the image is now in {@code frame}, else why not, in a few words. */
    private String load(Path file, BasicFileAttributes a, Mat frame) {
        if (!a.isRegularFile()) {
            return "not a file";
        }
        if (a.size() == 0) {
            return "empty file";
        }
        if (a.size() > ImageBuffer.MAX_BYTES) {
            return "over " + (ImageBuffer.MAX_BYTES >> 20) + " MiB";
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            if (!buffer.read(in, (int) a.size())) {
                return "cut short while reading";
            }
        } catch (IOException e) {
            return "cannot read it: " + ImageBuffer.why(e);
        }
        return buffer.decode(frame) ? null : "not a picture OpenCV can decode";
    }

    @Override
    public double pacingFps() {
        return cfg.fps();
    }

    @Override
    public String describe() {
        return "file " + pattern;
    }

    @Override
    public void close() {
        numbers = null;
        buffer.release();
    }
}
