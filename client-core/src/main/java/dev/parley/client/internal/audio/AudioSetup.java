package dev.parley.client.internal.audio;

/**
 * Which audio device module a WebRTC runtime ({@code RtcRuntime}) uses.
 *
 * @param devices          true: webrtc-java's default module (PulseAudio/ALSA microphone and speaker);
 *                         false: headless (PCM pushed by the app, peer audio to sinks)
 * @param recordingDevice  substring of the microphone's name to select, or null for the default
 * @param playoutDevice    substring of the speaker's name to select, or null for the default
 */
public record AudioSetup(boolean devices, String recordingDevice, String playoutDevice) {
    public static AudioSetup headless() {
        return new AudioSetup(false, null, null);
    }

    /**
     * Real devices. Only pass this after {@code AudioDevices.detect()} found a working audio server: on
     * some machines the default module aborts the JVM when it cannot start.
     */
    public static AudioSetup devices(String recordingDevice, String playoutDevice) {
        return new AudioSetup(true, recordingDevice, playoutDevice);
    }
}
