package dev.parley.cli.chat;

import dev.parley.client.Contact;
import dev.parley.client.Parley;
import dev.parley.client.PeerId;

/** How the chat screen names peers, and the argument clean-up every slash command shares. */
final class Names {
    private Names() {}

    /** The contact's label, else the short form of the peer id. */
    static String label(Parley client, PeerId peer) {
        return client.contact(peer).map(Contact::label).orElse(peer.shortForm() + "…");
    }

    /** What to type after {@code /open}: the name if it is one word, else the peer id. */
    static String firstWord(Parley client, PeerId peer) {
        return client.contact(peer).map(Contact::displayName).filter(n -> n.matches("[A-Za-z0-9._-]+")).orElse(peer.value());
    }

    /** The argument without one pair of surrounding quotes. */
    static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("'") && t.endsWith("'"))) return t.substring(1, t.length() - 1);
        return t;
    }
}
