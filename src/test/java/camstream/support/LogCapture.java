package camstream.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Collects what camstream logs (java.util.logging, logger "camstream" and below) until closed. */
public final class LogCapture extends Handler implements AutoCloseable {

    // Held here so that the logger, and the handler on it, are not garbage collected.
    private final Logger logger = Logger.getLogger("camstream");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();

    public LogCapture() {
        logger.addHandler(this);
    }

    /** Every message logged, formatted, in order. */
    public List<String> messages() {
        return records.stream().map(formatter::formatMessage).toList();
    }

    /** The messages logged at WARNING or above, formatted, in order. */
    public List<String> warnings() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(formatter::formatMessage).toList();
    }

    @Override
    public void publish(LogRecord r) {
        records.add(r);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
