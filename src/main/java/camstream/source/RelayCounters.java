package camstream.source;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What a relay camera's exchanges skipped since the camera started, by reason; read from any thread. */
final class RelayCounters {

    final AtomicLong tooLarge = new AtomicLong();
    final AtomicLong notJpeg = new AtomicLong();
    final AtomicLong cutShort = new AtomicLong();
    final AtomicLong resyncs = new AtomicLong();
    final AtomicLong replaced = new AtomicLong();

    /** By the names of {@code camstream_relay_skipped_total}'s reasons. */
    Map<String, Long> map() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("too_large", tooLarge.get());
        m.put("not_jpeg", notJpeg.get());
        m.put("cut_short", cutShort.get());
        m.put("garbage", resyncs.get());
        m.put("replaced", replaced.get());
        return m;
    }
}
