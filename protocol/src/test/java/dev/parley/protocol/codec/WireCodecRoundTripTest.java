package dev.parley.protocol.codec;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.peer.PeerMessage;
import dev.parley.protocol.signal.ClientMessage;
import dev.parley.protocol.signal.Relayed;
import dev.parley.protocol.signal.ServerMessage;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every record of every sealed wire hierarchy, found by {@link Class#getPermittedSubclasses()}: each has
 * a sample, survives encode → decode unchanged, dispatches to its own handler method, and every JSON
 * example in docs/protocol.md decodes and encodes back to the same JSON.
 */
class WireCodecRoundTripTest {
    static final WireCodec CODEC = WireCodec.standard();
    static final Path DOC = Path.of("..", "docs", "protocol.md");

    /** The records under a sealed interface, recursing into sealed sub-interfaces such as Relayed. */
    static Set<Class<?>> records(Class<?> sealed) {
        Set<Class<?>> out = new LinkedHashSet<>();
        for (Class<?> c : sealed.getPermittedSubclasses()) {
            if (c.isInterface()) out.addAll(records(c));
            else out.add(c);
        }
        return out;
    }

    @Test
    void everyRecordOfEveryHierarchyHasASample() {
        List<String> missing = new ArrayList<>();
        check(ClientMessage.class, Samples.CLIENT, missing);
        check(ServerMessage.class, Samples.SERVER, missing);
        check(PeerMessage.class, Samples.PEER, missing);
        assertThat(missing).as("records without a sample in Samples.java").isEmpty();
        assertThat(records(ClientMessage.class)).hasSize(8);
        assertThat(records(ServerMessage.class)).hasSize(10);
        assertThat(records(PeerMessage.class)).hasSize(24);
    }

    private static void check(Class<?> hierarchy, List<Object> samples, List<String> missing) {
        for (Class<?> r : records(hierarchy)) {
            assertThat(r.isRecord()).as(r + " is a record").isTrue();
            if (samples.stream().noneMatch(r::isInstance)) missing.add(hierarchy.getSimpleName() + ": " + r.getSimpleName());
        }
    }

    @Test
    void clientMessagesRoundTripStrictly() throws Exception {
        for (Object o : Samples.CLIENT) {
            ClientMessage m = (ClientMessage) o;
            assertThat(CODEC.decodeClient(CODEC.encodeClient(m))).as(m.toString()).isEqualTo(m);
        }
    }

    @Test
    void serverMessagesRoundTripStrictlyAndTolerantly() throws Exception {
        for (Object o : Samples.SERVER) {
            ServerMessage m = (ServerMessage) o;
            String text = CODEC.encodeServer(m);
            assertThat(CODEC.decodeServerStrict(text)).as(text).isEqualTo(m);
            assertThat(CODEC.decodeServer(text)).as(text).isEqualTo(m);
        }
    }

    @Test
    void peerMessagesRoundTripStrictlyAndTolerantly() throws Exception {
        for (Object o : Samples.PEER) {
            PeerMessage m = (PeerMessage) o;
            String text = CODEC.encodePeer(m);
            assertThat(CODEC.decodePeerStrict(text)).as(text).isEqualTo(m);
            assertThat(CODEC.decodePeer(text.getBytes(StandardCharsets.UTF_8))).as(text).isEqualTo(m);
        }
    }

    @Test
    void eachRecordCallsItsOwnHandlerMethod() {
        for (Object o : Samples.CLIENT) {
            assertThat(dispatched(ClientMessage.Handler.class, h -> ((ClientMessage) o).accept(h))).isEqualTo(o.getClass());
        }
        for (Object o : Samples.SERVER) {
            assertThat(dispatched(ServerMessage.Handler.class, h -> ((ServerMessage) o).accept(h))).isEqualTo(o.getClass());
        }
        for (Object o : Samples.PEER) {
            assertThat(dispatched(PeerMessage.Handler.class, h -> ((PeerMessage) o).accept(h))).isEqualTo(o.getClass());
        }
    }

    /** The parameter type of the one handler method {@code call} invoked. */
    private static <H> Class<?> dispatched(Class<H> handler, java.util.function.Consumer<H> call) {
        List<Method> calls = new ArrayList<>();
        H h = handler.cast(Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler}, (p, m, a) -> {
            calls.add(m);
            return null;
        }));
        call.accept(h);
        assertThat(calls).hasSize(1);
        return calls.get(0).getParameterTypes()[0];
    }

    // ---- the document ---------------------------------------------------------------------------

    static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);

    /** Every JSON value in a ```json block of docs/protocol.md, in order. */
    static List<JsonNode> documentedExamples() throws Exception {
        String doc = Files.readString(DOC);
        ObjectMapper plain = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        Matcher m = JSON_BLOCK.matcher(doc);
        while (m.find()) {
            try (MappingIterator<JsonNode> it = plain.readerFor(JsonNode.class).readValues(m.group(1))) {
                while (it.hasNext()) out.add(it.next());
            }
        }
        return out;
    }

    static Set<String> typeNames(Class<?> hierarchy) {
        Set<String> names = new TreeSet<>();
        for (JsonSubTypes.Type t : hierarchy.getAnnotation(JsonSubTypes.class).value()) names.add(t.name());
        return names;
    }

    @Test
    void everyExampleInTheDocumentIsExactlyWhatTheCodecReadsAndWrites() throws Exception {
        ObjectMapper plain = new ObjectMapper();
        Set<String> peer = typeNames(PeerMessage.class), client = typeNames(ClientMessage.class);
        Map<String, Integer> seen = new HashMap<>();
        List<JsonNode> examples = documentedExamples();
        assertThat(examples).hasSizeGreaterThan(30);
        for (JsonNode ex : examples) {
            String type = ex.path("type").asText();
            String text = ex.toString();
            String back;
            if (peer.contains(type)) {
                back = CODEC.encodePeer(CODEC.decodePeerStrict(text));
            } else if (client.contains(type) && !ex.has("from")) {
                back = CODEC.encodeClient(CODEC.decodeClient(text));
            } else {
                back = CODEC.encodeServer(CODEC.decodeServerStrict(text));
            }
            assertThat(plain.readTree(back)).as("docs example " + text).isEqualTo(ex);
            seen.merge(type, 1, Integer::sum);
        }
        Set<String> all = new TreeSet<>(peer);
        all.addAll(client);
        all.addAll(typeNames(ServerMessage.class));
        assertThat(seen.keySet()).as("every message type has an example in docs/protocol.md").containsAll(all);
    }

    @Test
    void relayStampsFromWithoutTouchingTheRest() {
        for (Object o : Samples.CLIENT) {
            if (o instanceof Relayed r) {
                assertThat(CODEC.encodeClient(r)).doesNotContain("\"from\"");
                Relayed stamped = r.withFrom(Samples.A);
                assertThat(stamped.from()).isEqualTo(Samples.A);
                assertThat(stamped.withFrom(null)).isEqualTo(r);
            }
        }
    }
}
