package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Linux /proc readings: a process's resident set and CPU time, and the machine's busy time. */
final class ProcStats {
    private ProcStats() {}

    /** Clock ticks per second for /proc/&lt;pid&gt;/stat; 100 on every Linux this will meet (getconf CLK_TCK). */
    static final long CLK_TCK = clkTck();

    private static long clkTck() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String s = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(s);
        } catch (Exception e) {
            return 100;
        }
    }

    /** VmRSS of {@code pid} in bytes, or -1. */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(f[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException ignored) {
        }
        return -1;
    }

    /** utime+stime of {@code pid} (all its threads) in nanoseconds, or -1. */
    static long cpuNanos(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // after the comm field: state(0) ppid(1) ... utime is field 14 overall -> index 11 here, stime 12
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 1_000_000_000L / CLK_TCK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** {busy, total} jiffies of the whole machine from /proc/stat, for "how loaded was the box". */
    static long[] machineJiffies() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = first.trim().split("\\s+");
            long total = 0, idle = 0;
            for (int i = 1; i < f.length; i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i == 4 || i == 5) idle += v; // idle, iowait
            }
            return new long[]{total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[]{0, 0};
        }
    }

    /** Per-thread CPU (ns) and context switches of {@code pid}, keyed by thread name with digits folded to '#'. */
    record Threads(java.util.Map<String, Long> cpuNanos, long contextSwitches) {
        Threads minus(Threads before) {
            java.util.Map<String, Long> d = new java.util.TreeMap<>();
            cpuNanos.forEach((k, v) -> d.put(k, v - before.cpuNanos.getOrDefault(k, 0L)));
            return new Threads(d, contextSwitches - before.contextSwitches);
        }
    }

    static Threads threads(long pid) {
        java.util.Map<String, Long> cpu = new java.util.TreeMap<>();
        long cs = 0;
        try (var dir = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : (Iterable<Path>) dir::iterator) {
                try {
                    String s = Files.readString(t.resolve("stat"));
                    String name = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')')).replaceAll("\\d+", "#");
                    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                    long ns = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1_000_000_000L / CLK_TCK;
                    cpu.merge(name, ns, Long::sum);
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            cs += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException | RuntimeException ignored) {
                    // thread ended meanwhile
                }
            }
        } catch (IOException ignored) {
        }
        return new Threads(cpu, cs);
    }

    static long selfPid() {
        return ProcessHandle.current().pid();
    }
}
