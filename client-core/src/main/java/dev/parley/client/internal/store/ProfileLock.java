package dev.parley.client.internal.store;

import dev.parley.client.ProfileInUseException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * One process per profile: an exclusive lock on {@code <profile>/parley.lock}, held from open to
 * close, with the holder's PID written inside so a second process can say who has the profile. Two
 * processes on one profile would log the same identity in twice (the server keeps the newer login)
 * and write one database from two places; this refuses the second one instead.
 *
 * <p>The lock is an OS advisory lock: it goes away with the process, so a crash never leaves the
 * profile locked (a stale file with a dead PID is simply locked again).
 */
public final class ProfileLock implements AutoCloseable {
    public static final String FILE_NAME = "parley.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private ProfileLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the profile's lock.
     *
     * @throws ProfileInUseException if another process (or another client in this process) holds it
     */
    public static ProfileLock acquire(Path profileDir) throws IOException {
        Path file = profileDir.resolve(FILE_NAME);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            ch.close();
            throw new ProfileInUseException(profileDir, OptionalLong.of(ProcessHandle.current().pid()));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            throw new ProfileInUseException(profileDir, holder(file));
        }
        try {
            byte[] pid = ("pid=" + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(pid), 0);
            ch.force(false);
        } catch (IOException e) {
            lock.release();
            ch.close();
            throw e;
        }
        return new ProfileLock(ch, lock);
    }

    /** The PID written by whoever holds the lock, if the file says. */
    static OptionalLong holder(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (s.startsWith("pid=")) return OptionalLong.of(Long.parseLong(s.substring(4).trim()));
        } catch (IOException | NumberFormatException ignored) {
            // no usable PID: say "another process"
        }
        return OptionalLong.empty();
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) lock.release();
        } finally {
            channel.close();
        }
    }
}
