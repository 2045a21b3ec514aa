package dev.parley.client.internal.store;

import dev.parley.client.internal.Ids;
import dev.parley.client.Contact;
import dev.parley.client.internal.store.event.ContactAdded;
import dev.parley.client.internal.store.event.ContactKeyChanged;
import dev.parley.client.internal.store.event.ContactRemoved;
import dev.parley.client.internal.store.event.ContactUpdated;
import dev.parley.client.internal.store.event.ContactVerified;
import dev.parley.protocol.crypto.IdentityKey;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.crypto.SafetyNumber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContactStoreTest {
    @TempDir
    Path dir;

    StoreFixture f;
    final IdentityKey alice = IdentityKeyPair.generate().publicKey();
    final IdentityKey bob = IdentityKeyPair.generate().publicKey();
    final IdentityKey mallory = IdentityKeyPair.generate().publicKey();

    @BeforeEach
    void open() {
        f = new StoreFixture(dir);
    }

    @AfterEach
    void close() {
        f.events.assertExhausted();
        f.close();
    }

    @Test
    void contactsCanBeAddedListedAndRemoved() {
        Contact added = f.contacts().add(alice.peerId(), "Alice");
        f.contacts().add(bob.peerId(), null);

        assertThat(added.displayName()).isEqualTo("Alice");
        assertThat(added.pinnedKey()).isNull();
        assertThat(added.verified()).isFalse();
        assertThat(added.addedAt()).isEqualTo(f.clock.instant());
        assertThat(f.contacts().list()).extracting(Contact::peerId).containsExactly(Ids.app(alice.peerId()), Ids.app(bob.peerId()));
        assertThat(f.events.next(ContactAdded.class).contact()).isEqualTo(added);
        f.events.next(ContactAdded.class);

        assertThat(f.contacts().remove(alice.peerId())).isTrue();
        assertThat(f.contacts().remove(alice.peerId())).isFalse();
        assertThat(f.contacts().list()).extracting(Contact::peerId).containsExactly(Ids.app(bob.peerId()));
        assertThat(f.events.next(ContactRemoved.class).peerId()).isEqualTo(alice.peerId());
    }

    @Test
    void addingAnExistingContactChangesNothing() {
        Contact first = f.contacts().add(alice.peerId(), "Alice");
        Contact again = f.contacts().add(alice.peerId(), "Eve");
        assertThat(again).isEqualTo(first);
        assertThat(f.contacts().list()).hasSize(1);
        f.events.next(ContactAdded.class);
    }

    @Test
    void addingYourselfIsRefused() {
        assertThatThrownBy(() -> f.contacts().add(f.me.publicKey().peerId(), "me"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("yourself");
    }

    @Test
    void hostileDisplayNamesAreReducedToAPlainLabel() {
        assertThat(f.contacts().add(alice.peerId(), "Al\u202Eecila\u202C\n[admin]\u0007 \u200B x").displayName())
                .isEqualTo("Alecila [admin] x");
        assertThat(f.contacts().add(bob.peerId(), " \t\u200F\u2066 ").displayName()).isNull();
        String huge = "A".repeat(10_000);
        assertThat(f.contacts().rename(bob.peerId(), huge).displayName()).hasSize(DisplayNames.MAX_CODE_POINTS);
        assertThat(f.contacts().rename(bob.peerId(), "\uD83D\uDE00".repeat(100)).displayName())
                .hasSize(2 * DisplayNames.MAX_CODE_POINTS); // cut at code points, never inside a surrogate pair
        assertThat(DisplayNames.sanitize("e\u0301")).isEqualTo("\u00E9");
        f.events.takeAll();
    }

    @Test
    void firstVerifiedKeyIsPinnedAndTheSameKeyMatchesLater() {
        f.contacts().add(alice.peerId(), "Alice");
        assertThat(f.contacts().observeKey(alice.peerId(), alice)).isEqualTo(KeyCheck.PINNED_NOW);
        assertThat(f.contacts().observeKey(alice.peerId(), alice)).isEqualTo(KeyCheck.MATCHES);
        f.restart();
        assertThat(f.contacts().observeKey(alice.peerId(), alice)).isEqualTo(KeyCheck.MATCHES);
        assertThat(f.contacts().get(alice.peerId()).orElseThrow().pinnedKey()).isEqualTo(Ids.app(alice));
        f.events.next(ContactAdded.class);
        // Pinning is news for the app (the key, the safety number); matching again is not.
        assertThat(f.events.next(ContactUpdated.class).contact().pinnedKey()).isEqualTo(Ids.app(alice));
    }

    @Test
    void keyThatDoesNotHashToThePeerIdIsRejectedAndNotPinned() {
        f.contacts().add(alice.peerId(), "Alice");
        assertThatThrownBy(() -> f.contacts().observeKey(alice.peerId(), mallory))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not belong to peer id");
        ContactId id = f.contacts().idOf(alice.peerId()).orElseThrow();
        assertThatThrownBy(() -> f.contacts().observeKey(id, mallory)).hasMessageContaining("refusing to pin");
        assertThat(f.contacts().get(alice.peerId()).orElseThrow().pinnedKey()).isNull();
        f.events.next(ContactAdded.class);
    }

    @Test
    void keyOfAPeerWhoIsNotAContactIsRefused() {
        assertThatThrownBy(() -> f.contacts().observeKey(alice.peerId(), alice))
                .isInstanceOf(UnknownContactException.class).hasMessageContaining("add it first");
    }

    @Test
    void changedKeyIsBlockedAcrossRestartsUntilAcceptedAndClearsVerified() {
        f.contacts().add(alice.peerId(), "Alice");
        f.contacts().observeKey(alice.peerId(), alice);
        f.contacts().markVerified(alice.peerId(), SafetyNumber.of(f.me.publicKey(), alice));
        ContactId id = f.contacts().idOf(alice.peerId()).orElseThrow();
        f.events.next(ContactAdded.class);
        f.events.next(ContactUpdated.class);
        f.events.next(ContactVerified.class);

        // The contact, reached by its local handle, presents another key.
        assertThat(f.contacts().observeKey(id, mallory)).isEqualTo(KeyCheck.CHANGED);
        Contact blocked = f.events.next(ContactKeyChanged.class).contact();
        assertThat(blocked.keyChanged()).isTrue();
        assertThat(blocked.verified()).isFalse();
        assertThat(blocked.pendingKey()).isEqualTo(Ids.app(mallory));
        assertThat(blocked.pinnedKey()).isEqualTo(Ids.app(alice));

        f.restart();
        assertThat(f.contacts().observeKey(id, mallory)).isEqualTo(KeyCheck.CHANGED);
        assertThat(KeyCheck.CHANGED.allowed()).isFalse();
        assertThat(f.contacts().get(alice.peerId()).orElseThrow().keyChanged()).isTrue();
        assertThatThrownBy(() -> f.contacts().markVerified(alice.peerId(), SafetyNumber.of(f.me.publicKey(), alice)))
                .hasMessageContaining("accept or refuse it first");

        assertThatThrownBy(() -> f.contacts().acceptNewKey(id, bob)).hasMessageContaining("not the one waiting");
        Contact accepted = f.contacts().acceptNewKey(id, mallory);
        assertThat(accepted.pinnedKey()).isEqualTo(Ids.app(mallory));
        assertThat(accepted.keyChanged()).isFalse();
        assertThat(accepted.verified()).isFalse();
        assertThat(accepted.peerId()).isEqualTo(Ids.app(mallory.peerId()));
        assertThat(accepted.displayName()).isEqualTo("Alice");
        assertThat(f.events.next(ContactKeyChanged.class).contact()).isEqualTo(accepted);

        f.restart();
        assertThat(f.contacts().observeKey(id, mallory)).isEqualTo(KeyCheck.MATCHES);
        assertThat(f.contacts().get(id).orElseThrow()).isEqualTo(accepted);
    }

    @Test
    void acceptingWithoutAChangedKeyIsRefused() {
        f.contacts().add(alice.peerId(), null);
        f.contacts().observeKey(alice.peerId(), alice);
        assertThatThrownBy(() -> f.contacts().acceptNewKey(alice.peerId(), alice)).hasMessageContaining("no changed key");
        f.events.takeAll();
    }

    @Test
    void acceptingAKeyThatIsAlreadyAnotherContactIsRefusedAndChangesNothing() {
        f.contacts().add(alice.peerId(), "Alice");
        f.contacts().add(bob.peerId(), "Bob");
        f.contacts().observeKey(alice.peerId(), alice);
        ContactId id = f.contacts().idOf(alice.peerId()).orElseThrow();
        // Alice's contact, reached by its handle, presents Bob's key; accepting it would give two
        // contacts one peer id.
        assertThat(f.contacts().observeKey(id, bob)).isEqualTo(KeyCheck.CHANGED);

        assertThatThrownBy(() -> f.contacts().acceptNewKey(id, bob))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already another contact");
        Contact still = f.contacts().get(alice.peerId()).orElseThrow();
        assertThat(still.pinnedKey()).isEqualTo(Ids.app(alice));
        assertThat(still.pendingKey()).isEqualTo(Ids.app(bob));
        f.events.takeAll();
    }

    @Test
    void safetyNumberIsTheSameFromBothSides() throws Exception {
        f.contacts().add(alice.peerId(), "Alice");
        assertThat(f.contacts().safetyNumber(alice.peerId())).isEmpty();
        f.contacts().observeKey(alice.peerId(), alice);
        String mine = f.contacts().safetyNumber(alice.peerId()).orElseThrow();

        // Alice's own profile, with me as her contact.
        try (ProfileStore hers = ProfileStore.open(dir.resolve("alice"), alice, f.clock)) {
            hers.contacts().add(f.me.publicKey().peerId(), "me");
            hers.contacts().observeKey(f.me.publicKey().peerId(), f.me.publicKey());
            assertThat(hers.contacts().safetyNumber(f.me.publicKey().peerId())).contains(mine);
        }
        assertThat(mine).hasSize(60).containsOnlyDigits();
        f.events.takeAll();
    }

    @Test
    void verifyingRequiresTheCurrentSafetyNumberAndCanBeWithdrawn() {
        f.contacts().add(alice.peerId(), "Alice");
        assertThatThrownBy(() -> f.contacts().markVerified(alice.peerId(), "1")).hasMessageContaining("connect once first");
        f.contacts().observeKey(alice.peerId(), alice);
        assertThatThrownBy(() -> f.contacts().markVerified(alice.peerId(), SafetyNumber.of(f.me.publicKey(), bob)))
                .hasMessageContaining("compare again");
        String formatted = SafetyNumber.formatted(SafetyNumber.of(f.me.publicKey(), alice));
        assertThat(f.contacts().markVerified(alice.peerId(), formatted).verified()).isTrue();
        f.restart();
        assertThat(f.contacts().get(alice.peerId()).orElseThrow().verified()).isTrue();
        assertThat(f.contacts().clearVerified(alice.peerId()).verified()).isFalse();
        f.events.takeAll();
    }
}
