package dev.nanoadam.conformance;

import net.jqwik.api.statistics.Statistics;

/** Labels each generated configuration's settings, so jqwik's report shows what a run covered. */
final class Coverage {
    private Coverage() {
    }

    static void record(Configuration c) {
        Statistics.label("model").collect(c.model());
        Statistics.label("criterion").collect(c.criterion());
        Statistics.label("moment policy").collect(c.momentPolicy());
        Statistics.label("state type").collect(c.stateType());
        Statistics.label("density schedule").collect(c.scheduled() ? "on" : "off");
        Statistics.label("mask interval").collect(c.maskInterval() == 1 ? "1" : ">1");
        Statistics.label("groups").collect(c.groups());
        Statistics.label("handover").collect(c.handover());
    }
}
