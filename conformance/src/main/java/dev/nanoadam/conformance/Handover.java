package dev.nanoadam.conformance;

/**
 * Whether the second run of a lock-step check changes backends part way, through a checkpoint
 * (model weights and buffers, optimizer state, data position) written on one backend and resumed
 * on the other. The first run, the oracle's, always runs uninterrupted.
 */
public enum Handover {
    /** The second run stays on the candidate backend throughout. */
    NONE,
    /** The second run starts on the oracle backend and is resumed on the candidate. */
    ORACLE_TO_CANDIDATE,
    /** The second run starts on the candidate backend and is resumed on the oracle. */
    CANDIDATE_TO_ORACLE
}
