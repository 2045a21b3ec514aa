package dev.parley.protocol.signal;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** One STUN or TURN server as in W3C RTCIceServer; TURN ones carry coturn REST-API credentials. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IceServer(List<String> urls, String username, String credential) {
    public IceServer {
        urls = urls == null ? List.of() : List.copyOf(urls);
    }
}
