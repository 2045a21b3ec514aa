package dev.parley.client.internal.event;

import dev.parley.client.internal.Ids;
import dev.parley.client.ParleyEvent;
import dev.parley.client.internal.store.ProfileStore;
import dev.parley.client.internal.store.EventLog;
import dev.parley.client.internal.store.event.CallRecorded;
import dev.parley.client.internal.store.event.GroupCallRecorded;
import dev.parley.client.internal.store.event.GroupFileChanged;
import dev.parley.client.internal.store.event.Committed;
import dev.parley.client.internal.store.event.ContactAdded;
import dev.parley.client.internal.store.event.ContactKeyChanged;
import dev.parley.client.internal.store.event.ContactRemoved;
import dev.parley.client.internal.store.event.ContactUpdated;
import dev.parley.client.internal.store.event.ContactVerified;
import dev.parley.client.internal.store.event.GroupInvited;
import dev.parley.client.internal.store.event.GroupMemberChanged;
import dev.parley.client.internal.store.event.GroupMessageVisibility;
import dev.parley.client.internal.store.event.GroupRenamed;
import dev.parley.client.internal.store.event.GroupMessageAdded;
import dev.parley.client.internal.store.event.GroupMessageDelivered;
import dev.parley.client.internal.store.event.GroupMessageRead;
import dev.parley.client.internal.store.event.MessageAdded;
import dev.parley.client.GroupMember;
import dev.parley.protocol.group.GroupId;
import dev.parley.protocol.group.GroupMessageId;
import dev.parley.client.internal.store.event.MessageStateChanged;
import dev.parley.client.internal.store.event.StoreEvent;
import dev.parley.client.internal.store.event.TransferChanged;
import dev.parley.client.CallId;
import dev.parley.client.MessageId;
import dev.parley.client.MessageState;
import dev.parley.client.TransferId;
import dev.parley.protocol.PeerId;

import java.util.Optional;
import java.util.UUID;

/** What each committed store change means to the app, live and when replayed from the event log. */
final class StoreEvents {
    private StoreEvents() {}

    static ParleyEvent.Stored live(Committed c) {
        long seq = c.seq();
        StoreEvent e = c.event();
        if (e instanceof MessageAdded a) return new ParleyEvent.MessageAdded(seq, a.message());
        if (e instanceof MessageStateChanged s) return new ParleyEvent.MessageStateChanged(seq, s.id(), Ids.app(s.peer()), s.state());
        if (e instanceof ContactAdded a) return new ParleyEvent.ContactChanged(seq, a.contact());
        if (e instanceof ContactKeyChanged k) return new ParleyEvent.ContactChanged(seq, k.contact());
        if (e instanceof ContactVerified v) return new ParleyEvent.ContactChanged(seq, v.contact());
        if (e instanceof ContactUpdated u) return new ParleyEvent.ContactChanged(seq, u.contact());
        if (e instanceof ContactRemoved r) return new ParleyEvent.ContactRemoved(seq, Ids.app(r.peerId()));
        if (e instanceof TransferChanged t) return new ParleyEvent.TransferChanged(seq, t.transfer());
        if (e instanceof CallRecorded r) return new ParleyEvent.CallEnded(seq, r.record());
        if (e instanceof GroupCallRecorded r) return new ParleyEvent.GroupCallRecorded(seq, r.record());
        if (e instanceof GroupFileChanged f) return new ParleyEvent.GroupFileChanged(seq, f.file());
        if (e instanceof GroupInvited g) return new ParleyEvent.GroupInvited(seq, Ids.app(g.group()), g.name(), Ids.app(g.from()));
        if (e instanceof GroupMessageAdded g) return new ParleyEvent.GroupMessageAdded(seq, g.post());
        if (e instanceof GroupMemberChanged g) return new ParleyEvent.GroupMemberChanged(seq, Ids.app(g.group()), Ids.app(g.member()), g.change());
        if (e instanceof GroupMessageDelivered d) return new ParleyEvent.GroupMessageDelivered(seq, Ids.app(d.group()), Ids.app(d.message()), Ids.app(d.member()));
        if (e instanceof GroupMessageRead r) return new ParleyEvent.GroupMessageRead(seq, Ids.app(r.group()), Ids.app(r.member()), Ids.app(r.upTo()));
        if (e instanceof GroupMessageVisibility v) return new ParleyEvent.GroupMessageVisibilityChanged(seq, v.post(), v.shown());
        if (e instanceof GroupRenamed r) return new ParleyEvent.GroupRenamed(seq, Ids.app(r.group()), r.name());
        throw new IllegalArgumentException("unmapped store event " + e);
    }

    /** The logged event rebuilt from the rows it names; empty when they are gone (e.g. the contact was removed since). */
    static Optional<ParleyEvent.Stored> replay(EventLog.Entry entry, ProfileStore store) {
        long seq = entry.seq();
        return switch (entry.kind()) {
            case MESSAGE_ADDED -> store.messages().get(MessageId.parse(entry.ref()))
                    .map(m -> new ParleyEvent.MessageAdded(seq, m));
            case MESSAGE_STATE -> store.messages().get(MessageId.parse(entry.ref()))
                    .map(m -> new ParleyEvent.MessageStateChanged(seq, m.id(), m.peer(), MessageState.valueOf(entry.state())));
            case CONTACT_CHANGED -> store.contacts().get(PeerId.of(entry.ref())).map(c -> new ParleyEvent.ContactChanged(seq, c));
            case CONTACT_REMOVED -> Optional.of(new ParleyEvent.ContactRemoved(seq, dev.parley.client.PeerId.of(entry.ref())));
            case TRANSFER_CHANGED -> store.transfers().get(new TransferId(UUID.fromString(entry.ref())))
                    .map(t -> new ParleyEvent.TransferChanged(seq, t));
            case CALL_RECORDED -> store.calls().get(new CallId(UUID.fromString(entry.ref())))
                    .map(r -> new ParleyEvent.CallEnded(seq, r));
            case GROUP_CALL_RECORDED -> store.groupCalls().get(new CallId(UUID.fromString(entry.ref())))
                    .map(r -> new ParleyEvent.GroupCallRecorded(seq, r));
            case GROUP_FILE -> store.groupFiles().get(GroupMessageId.of(entry.ref()))
                    .map(f -> new ParleyEvent.GroupFileChanged(seq, f));
            case GROUP_INVITED -> store.groups().group(GroupId.of(entry.ref()))
                    .map(g -> new ParleyEvent.GroupInvited(seq, Ids.app(g.id()), g.name(), entry.state() == null ? null : dev.parley.client.PeerId.of(entry.state())));
            case GROUP_MESSAGE -> store.groups().post(GroupMessageId.of(entry.ref()))
                    .map(p -> new ParleyEvent.GroupMessageAdded(seq, p));
            case GROUP_MEMBER -> {
                String[] parts = entry.state().split(":", 2);
                yield Optional.of(new ParleyEvent.GroupMemberChanged(seq, dev.parley.client.GroupId.of(entry.ref()), dev.parley.client.PeerId.of(parts[1]),
                        GroupMember.Change.valueOf(parts[0])));
            }
            case GROUP_DELIVERED -> {
                String[] parts = entry.state().split(":", 2);
                yield Optional.of(new ParleyEvent.GroupMessageDelivered(seq, dev.parley.client.GroupId.of(parts[0]),
                        dev.parley.client.GroupMessageId.of(entry.ref()), dev.parley.client.PeerId.of(parts[1])));
            }
            case GROUP_READ -> {
                String[] parts = entry.state().split(":", 2);
                yield Optional.of(new ParleyEvent.GroupMessageRead(seq, dev.parley.client.GroupId.of(parts[0]),
                        dev.parley.client.PeerId.of(parts[1]), dev.parley.client.GroupMessageId.of(entry.ref())));
            }
            case GROUP_VISIBILITY -> store.groups().post(GroupMessageId.of(entry.ref()))
                    .map(p -> new ParleyEvent.GroupMessageVisibilityChanged(seq, p, "SHOWN".equals(entry.state())));
            case GROUP_RENAMED -> Optional.of(new ParleyEvent.GroupRenamed(seq, dev.parley.client.GroupId.of(entry.ref()), entry.state()));
        };
    }
}
