package dev.nanoadam.tornado;

import dev.nanoadam.StateType;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Released graphs of one device, kept by shape for the next parameter of the same shape.
 *
 * <p>Why: TornadoVM compiles per execution plan, and a plan's arrays are fixed when it is built, so
 * every new parameter shape costs a compilation (0.2 to 2 s on a CPU device). Optimizers in one JVM
 * (tests, the conformance suite, a user's runs of one model) keep asking for the same shapes. A kept
 * graph holds its device memory; at most {@value #DEFAULT_BYTES_MIB} MiB of idle graphs are kept
 * (system property {@value #BYTES_PROPERTY}, in MiB), the least recently released closed first.
 */
final class GraphPool {
    static final String BYTES_PROPERTY = "nanoadam.tornado.poolMiB";
    static final long DEFAULT_BYTES_MIB = 256;

    private static final Map<Device.Key, GraphPool> POOLS = new HashMap<>();

    private final Device device;
    private final long budget;
    private final LinkedHashMap<Object, AutoCloseable> idle = new LinkedHashMap<>(); // released order
    private final Map<String, ArrayDeque<Object>> byShape = new HashMap<>();
    private long idleBytes;

    private GraphPool(Device device) {
        this.device = device;
        this.budget = Long.getLong(BYTES_PROPERTY, DEFAULT_BYTES_MIB) << 20;
    }

    static synchronized GraphPool of(Device device) {
        return POOLS.computeIfAbsent(device.key(), k -> new GraphPool(device));
    }

    /** A state graph of this shape, kept or new; the caller {@link StateGraph#load}s it before use. */
    synchronized StateGraph state(boolean sparse, int count, StateType type) {
        Object kept = take("state " + sparse + " " + count + " " + type);
        return kept != null ? (StateGraph) kept : new StateGraph(device, sparse, count, type);
    }

    /** A selection graph for n values and K selected (built for RANDOM or not), kept or new. */
    synchronized SelectGraph selection(int n, int total, boolean random) {
        Object kept = take("select " + n + " " + total + " " + random);
        return kept != null ? (SelectGraph) kept : new SelectGraph(device, n, total, random);
    }

    synchronized void release(StateGraph g) {
        keep("state " + g.sparse + " " + g.count + " " + g.type, g, g.deviceBytes(), g);
    }

    synchronized void release(SelectGraph g) {
        keep("select " + g.n + " " + g.total + " " + g.random, g, 4L * g.n + 2L * g.total, g);
    }

    private Object take(String shape) {
        ArrayDeque<Object> q = byShape.get(shape);
        Object g = q == null ? null : q.pollLast();
        if (g != null) {
            idle.remove(g);
            idleBytes -= bytes(g);
        }
        return g;
    }

    private void keep(String shape, Object g, long bytes, AutoCloseable closer) {
        if (bytes > budget) {
            close(closer);
            return;
        }
        byShape.computeIfAbsent(shape, s -> new ArrayDeque<>()).addLast(g);
        idle.put(g, closer);
        idleBytes += bytes;
        Iterator<Map.Entry<Object, AutoCloseable>> it = idle.entrySet().iterator();
        while (idleBytes > budget && it.hasNext()) {
            Map.Entry<Object, AutoCloseable> oldest = it.next();
            it.remove();
            idleBytes -= bytes(oldest.getKey());
            for (ArrayDeque<Object> q : byShape.values()) {
                q.remove(oldest.getKey());
            }
            close(oldest.getValue());
        }
    }

    private static long bytes(Object g) {
        return g instanceof StateGraph s ? s.deviceBytes() : 4L * ((SelectGraph) g).n + 2L * ((SelectGraph) g).total;
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            throw new IllegalStateException("tornado: closing a graph: " + e.getMessage(), e);
        }
    }

    /** Graphs kept idle now (for tests). */
    synchronized int idleCount() {
        return idle.size();
    }
}
