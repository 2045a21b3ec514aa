package dev.parley.client.internal.store;

import dev.parley.protocol.crypto.IdentityKey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;

/** One profile's database and the stores over it. Closing closes the database. */
public final class ProfileStore implements AutoCloseable {
    private final Database db;
    private final ContactStore contacts;
    private final MessageStore messages;
    private final TransferStore transfers;
    private final CallStore calls;
    private final GroupStore groups;
    private final GroupReceiptStore groupReceipts;
    private final GroupCallStore groupCalls;
    private final GroupFileStore groupFiles;
    private final EventLog events;

    private ProfileStore(Database db, IdentityKey myKey) {
        this.db = db;
        this.contacts = new ContactStore(db, myKey);
        this.messages = new MessageStore(db);
        this.transfers = new TransferStore(db);
        this.calls = new CallStore(db);
        this.groups = new GroupStore(db, myKey);
        this.groupReceipts = new GroupReceiptStore(db, myKey);
        this.groupCalls = new GroupCallStore(db);
        this.groupFiles = new GroupFileStore(db);
        this.events = new EventLog(db);
    }

    /** Opens {@code profileDir/parley.db}, creating the directory (0700) and database (0600) and migrating as needed. */
    public static ProfileStore open(Path profileDir, IdentityKey myKey, Clock clock) throws IOException {
        if (!Files.isDirectory(profileDir)) {
            Files.createDirectories(profileDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return new ProfileStore(Database.open(profileDir.resolve(Database.FILE_NAME), clock), myKey);
    }

    public Database database() {
        return db;
    }

    public ContactStore contacts() {
        return contacts;
    }

    public MessageStore messages() {
        return messages;
    }

    public TransferStore transfers() {
        return transfers;
    }

    public GroupStore groups() {
        return groups;
    }

    public GroupReceiptStore groupReceipts() {
        return groupReceipts;
    }

    public GroupCallStore groupCalls() {
        return groupCalls;
    }

    public GroupFileStore groupFiles() {
        return groupFiles;
    }

    public CallStore calls() {
        return calls;
    }

    public EventLog events() {
        return events;
    }

    @Override
    public void close() {
        db.close();
    }
}
