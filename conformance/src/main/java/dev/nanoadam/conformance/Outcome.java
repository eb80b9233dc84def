package dev.nanoadam.conformance;

/**
 * The result of one lock-step check.
 *
 * @param configuration what was run
 * @param oracle backend of the first run
 * @param candidate backend under test
 * @param stepsAgreed steps after which every compared quantity was bit-identical
 * @param mismatch the first disagreement, or null
 * @param error why a run could not go on (an exception of a backend or model), or null
 * @param nanos wall time of the check
 */
public record Outcome(Configuration configuration, String oracle, String candidate, int stepsAgreed,
                      Mismatch mismatch, Throwable error, long nanos) {

    /** Whether both runs went to the end and agreed after every step. */
    public boolean agreed() {
        return mismatch == null && error == null;
    }

    /** {@code agree}, or where and how it failed, in a few words. */
    public String result() {
        if (mismatch != null) {
            return "DIFFER " + mismatch.brief();
        }
        if (error != null) {
            return "ERROR after " + stepsAgreed + " steps: " + error;
        }
        return "agree";
    }

    /** A full description for a failure message: pair, configuration, and the mismatch or error. */
    public String report() {
        StringBuilder s = new StringBuilder();
        s.append(oracle).append(" vs ").append(candidate).append(", ").append(configuration).append('\n');
        if (mismatch != null) {
            s.append(mismatch.message());
        } else if (error != null) {
            s.append("stopped after ").append(stepsAgreed).append(" agreeing steps: ").append(error);
        } else {
            s.append("agree after all ").append(stepsAgreed).append(" steps");
        }
        return s.toString();
    }
}
