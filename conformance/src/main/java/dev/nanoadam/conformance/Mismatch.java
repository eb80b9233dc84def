package dev.nanoadam.conformance;

import java.util.List;

/**
 * The first place where two lock-step runs disagree: which backends, which model, which tensor and
 * which quantity of it, after which step, the first differing index, how many entries differ, and
 * both values there with their bits.
 *
 * @param oracle backend of the first run
 * @param candidate backend of the second run (at a handover, the one it ran on at that step)
 * @param model workload name
 * @param tensor parameter or buffer name, or {@code "(loss)"}
 * @param quantity {@code loss}, {@code gradient}, {@code buffer}, {@code weights}, {@code mask},
 *     {@code m}, {@code v} or {@code schedule}
 * @param where when: {@code "at initialisation"}, {@code "after step 3"},
 *     {@code "after resuming at step 2"}
 * @param step the optimizer step the comparison follows (0-based), or -1 at initialisation
 * @param firstIndex first differing flat index (for a mask, position in the mask)
 * @param count entries that differ, plus the difference in length when the lengths differ
 * @param oracleLength entries on the oracle's side
 * @param candidateLength entries on the candidate's side
 * @param oracleValue the oracle's value at {@code firstIndex}, with hex bits for floats
 * @param candidateValue the candidate's value there
 * @param alsoDiffering other tensors that differ after the same step, as {@code name quantity}
 * @param diagnosis what the pattern says about the cause, or empty
 */
public record Mismatch(String oracle, String candidate, String model, String tensor, String quantity, String where,
                       long step, int firstIndex, int count, int oracleLength, int candidateLength,
                       String oracleValue, String candidateValue, List<String> alsoDiffering, String diagnosis) {

    public Mismatch {
        alsoDiffering = List.copyOf(alsoDiffering);
    }

    /** The failure as one paragraph. */
    public String message() {
        StringBuilder s = new StringBuilder();
        s.append(oracle).append(" vs ").append(candidate).append(" on ").append(model).append(": ")
                .append(quantity.equals("loss") ? "the loss" : "'" + tensor + "' " + quantity)
                .append(' ').append(where).append(": ");
        if (oracleLength != candidateLength) {
            s.append("lengths differ (").append(oracle).append(' ').append(oracleLength).append(", ")
                    .append(candidate).append(' ').append(candidateLength).append("); ");
        }
        s.append(count).append(" of ").append(Math.max(oracleLength, candidateLength))
                .append(" differ; first at index ").append(firstIndex).append(": ")
                .append(oracle).append(' ').append(oracleValue).append(", ")
                .append(candidate).append(' ').append(candidateValue);
        if (!alsoDiffering.isEmpty()) {
            s.append(". Also differing: ").append(String.join(", ", alsoDiffering));
        }
        if (!diagnosis.isEmpty()) {
            s.append(". ").append(diagnosis);
        }
        return s.toString();
    }

    /** A few words for a table cell: step, tensor, quantity, index. */
    public String brief() {
        return (step < 0 ? "init" : "step " + step) + " " + (quantity.equals("loss") ? "loss" : tensor + " " + quantity)
                + " [" + firstIndex + "], " + count + " differ";
    }

    /** A float with its bits, as failure messages show values. */
    public static String show(float x) {
        return x + " (0x" + String.format("%08x", Float.floatToRawIntBits(x)) + ")";
    }
}
