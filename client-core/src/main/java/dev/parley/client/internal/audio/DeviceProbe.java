package dev.parley.client.internal.audio;

import dev.onvoid.webrtc.media.audio.AudioDevice;
import dev.onvoid.webrtc.media.audio.AudioDeviceModule;

/**
 * Child-JVM probe for {@link AudioDevices}: creates webrtc-java's default audio device module, prints
 * one line per device ({@code rec|play <TAB> name <TAB> descriptor}) and {@code ok}, and exits 0. If the
 * module cannot start (no audio server) the native side aborts this process, not the caller's.
 */
final class DeviceProbe {
    private DeviceProbe() {
    }

    public static void main(String[] args) {
        AudioDeviceModule adm = new AudioDeviceModule();
        try {
            for (AudioDevice d : adm.getRecordingDevices()) {
                System.out.println("rec\t" + clean(d.getName()) + "\t" + clean(d.getDescriptor()));
            }
            for (AudioDevice d : adm.getPlayoutDevices()) {
                System.out.println("play\t" + clean(d.getName()) + "\t" + clean(d.getDescriptor()));
            }
            System.out.println("ok");
            System.out.flush();
        } finally {
            adm.dispose();
        }
        Runtime.getRuntime().halt(0); // skip native static destructors (shared notes §4)
    }

    private static String clean(String s) {
        return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ');
    }
}
