package camstream.record;

import camstream.support.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Library over a real folder: live recordings, sidecars, files left by a crash, names from outside. */
class LibraryTest {

    @TempDir
    Path dir;

    private Library library() throws Exception {
        return new Library(Map.of("cam", Files.createDirectories(dir.resolve("cam"))));
    }

    @Test
    void aLiveRecordingIsListedGrowingAndClosingWritesItsSidecar() throws Exception {
        Library lib = library();
        Library.Live live = lib.begin("cam", "manual", "avi", Instant.parse("2026-12-07T19:00:01.5Z"));
        assertEquals("20261207-190001-manual.avi", live.file());
        byte[] jpeg = TestMedia.encoded(3, CvType.CV_8UC3, ".jpg");
        live.thumbnail(jpeg, jpeg.length);
        try (AviWriter w = AviWriter.create(live.path(), TestMedia.WIDTH, TestMedia.HEIGHT, 10)) {
            w.write(jpeg, jpeg.length);
            w.flush();
            live.update(0.1, w.bytes(), 1);
            Recording r = lib.list("cam").get(0);
            assertTrue(r.live());
            assertEquals(0.1, r.seconds());
            assertEquals("recordings/cam/20261207-190001-manual.jpg", r.thumbnailUrl());
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> lib.delete("cam", "20261207-190001-manual.avi"));
            assertTrue(refused.getMessage().contains("being recorded"));
        }
        live.close(true);
        Recording r = lib.find("cam", "20261207-190001-manual.avi");
        assertFalse(r.live());
        assertEquals(Instant.parse("2026-12-07T19:00:01.5Z"), r.start());
        String sidecar = Files.readString(dir.resolve("cam/20261207-190001-manual.json"));
        assertTrue(sidecar.contains("\"pictures\":1") && sidecar.contains("\"kind\":\"manual\""), sidecar);
        assertTrue(lib.delete("cam", r.file()));
        assertEquals(List.of(), lib.list("cam"));
        assertFalse(Files.exists(dir.resolve("cam/20261207-190001-manual.jpg")));
    }

    @Test
    void aFileLeftWithoutSidecarHasItsLengthWorkedOutAndWritten() throws Exception {
        Library lib = library();
        AviWriter w = AviWriter.create(dir.resolve("cam/20261207-180000-continuous.avi"), 320, 240, 5);
        byte[] jpeg = TestMedia.encoded(1, CvType.CV_8UC3, ".jpg");
        for (int i = 0; i < 10; i++) {
            w.write(jpeg, jpeg.length);
        }
        w.flush();
        Files.writeString(dir.resolve("cam/notes.txt"), "not a recording");
        Files.writeString(dir.resolve("cam/20261207-170000-continuous.mkv"), "not a recording either");
        List<Recording> list = lib.list("cam");
        assertEquals(1, list.size(), list.toString());
        assertEquals(2.0, list.get(0).seconds(), 0.001);
        assertTrue(Files.exists(dir.resolve("cam/20261207-180000-continuous.json")));
        w.close();
    }

    @Test
    void namesFromOutsideAreOnlyComparedWithTheList() throws Exception {
        Library lib = library();
        Files.writeString(dir.resolve("secret-20261207-180000-continuous.avi"), "outside");
        assertNull(lib.find("cam", "../secret-20261207-180000-continuous.avi"));
        assertNull(lib.find("cam", "20261207-180000-continuous.avi"));
        assertNull(lib.find("other", "20261207-180000-continuous.avi"));
        assertFalse(lib.delete("cam", "../x.avi"));
        assertEquals(List.of(), lib.list("other"));
    }

    @Test
    void listsAreNewestFirst() throws Exception {
        Library lib = library();
        for (String s : List.of("2026-12-07T10:00:00Z", "2026-12-07T12:00:00Z", "2026-12-07T11:00:00Z")) {
            Library.Live l = lib.begin("cam", "motion", "avi", Instant.parse(s));
            AviWriter.create(l.path(), 16, 16, 1).close();
            l.close(true);
        }
        assertEquals(List.of("20261207-120000-motion.avi", "20261207-110000-motion.avi", "20261207-100000-motion.avi"),
                lib.list("cam").stream().map(Recording::file).toList());
    }

    @Test
    void aFileWhoseBoxesLieIsListedWithoutALengthInsteadOfBreakingTheList() throws Exception {
        Library lib = library();
        // moov > mdhd of 8 bytes, too short for its timescale; then a moof whose tfdt is empty, and its mdat.
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16 + 16 + 8 + 8 + 8 + 8 + 8);
        b.putInt(16).put("moov".getBytes()).putInt(8).put("mdhd".getBytes());
        b.putInt(16 + 8 + 8 + 8).put("moof".getBytes()).putInt(8).put("tfhd".getBytes()).putInt(8).put("tfdt".getBytes())
                .putInt(8).put("trun".getBytes());
        b.putInt(8).put("mdat".getBytes());
        Files.write(dir.resolve("cam/20261207-190000-continuous.mp4"), java.util.Arrays.copyOf(b.array(), b.position()));
        Files.write(dir.resolve("cam/20261207-190100-continuous.mp4"), new byte[] {0, 0, 0, 16, 'm', 'o', 'o', 'v',
                (byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'm', 'd', 'h', 'd'});

        List<Recording> all = lib.list("cam");
        assertEquals(List.of("20261207-190100-continuous.mp4", "20261207-190000-continuous.mp4"),
                all.stream().map(Recording::file).toList());
        assertEquals(0.0, all.get(0).seconds());
        assertEquals(0.0, all.get(1).seconds());
    }
}
