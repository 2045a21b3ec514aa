package dev.parley.cli;

import dev.parley.client.Contact;
import dev.parley.client.Parley;
import dev.parley.client.PeerId;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Finds the one contact a user means by a peer id, a name, or a unique prefix of either. */
public final class Contacts {
    private Contacts() {}

    /** The matching contact; a {@link CliException} ({@link ExitCodes#CONTACT}) when none or several match. */
    public static Contact resolve(Parley client, String query) {
        return resolve(client.contacts(), query);
    }

    /** As {@link #resolve(Parley, String)} among {@code all}. */
    public static Contact resolve(List<Contact> all, String query) {
        String q = query == null ? "" : query.trim();
        if (q.isEmpty()) throw new CliException(ExitCodes.CONTACT, "no contact given: name one from 'parley contacts list'");
        if (PeerId.isValid(q)) {
            PeerId id = PeerId.of(q);
            return all.stream().filter(c -> c.peerId().equals(id)).findFirst().orElseThrow(() -> new CliException(ExitCodes.CONTACT,
                    "peer " + id.shortForm() + "… is not one of your contacts: add it with 'parley contacts add CONTACT_STRING --name NAME'"));
        }
        List<Contact> matches = matching(all, q);
        if (matches.size() == 1) return matches.get(0);
        if (matches.isEmpty()) {
            throw new CliException(ExitCodes.CONTACT, "no contact matches '" + q + "': 'parley contacts list' shows your contacts, "
                    + "'parley contacts add CONTACT_STRING --name NAME' adds one");
        }
        throw new CliException(ExitCodes.CONTACT, "'" + q + "' matches " + matches.size() + " contacts ("
                + matches.stream().map(c -> c.label() + " " + c.peerId().shortForm()).collect(Collectors.joining(", "))
                + "): use more of the name or the peer id");
    }

    /** Exact name matches if any (case-insensitive), else prefix matches of name or peer id. */
    public static List<Contact> matching(List<Contact> all, String q) {
        return matching(all, q, q.toLowerCase(Locale.ROOT), Contact::displayName, c -> c.peerId().value());
    }

    /**
     * Shared by contacts and groups: the items whose name equals {@code q} (case-insensitive) if any,
     * else those whose name starts with {@code q} (case-insensitive) or whose id starts with {@code idPrefix}.
     */
    static <T> List<T> matching(List<T> all, String q, String idPrefix, Function<T, String> name, Function<T, String> id) {
        String lower = q.toLowerCase(Locale.ROOT);
        List<T> exact = new ArrayList<>();
        for (T t : all) {
            String n = name.apply(t);
            if (n != null && n.toLowerCase(Locale.ROOT).equals(lower)) exact.add(t);
        }
        if (!exact.isEmpty()) return exact;
        List<T> prefix = new ArrayList<>();
        for (T t : all) {
            String n = name.apply(t);
            if (n != null && n.toLowerCase(Locale.ROOT).startsWith(lower) || id.apply(t).startsWith(idPrefix)) prefix.add(t);
        }
        return prefix;
    }
}
