package camstream.source;

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/** A file's size and modification time: when either changes, a file that was unreadable is tried again. */
record FileStamp(long size, FileTime modified) {

    static FileStamp of(BasicFileAttributes a) {
        return new FileStamp(a.size(), a.lastModifiedTime());
    }
}
