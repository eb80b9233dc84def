package dev.nanoadam;

import java.util.List;

/**
 * Parameters that share hyperparameters, as torch.optim's param groups: each field left unset
 * inherits the builder's value. Pass groups to {@link NanoAdam.Builder#group} or
 * {@link AdamW.Builder#group} and build with {@code build()}.
 *
 * <pre>{@code
 * NanoAdam opt = NanoAdam.builder().lr(1e-3).density(0.05)
 *         .group(ParameterGroup.of(backbone).role(Role.SPARSE))
 *         .group(ParameterGroup.of(norms).role(Role.DENSE).weightDecay(0))
 *         .group(ParameterGroup.of(head).role(Role.DENSE).lr(1e-2))
 *         .build();
 * }</pre>
 *
 * <p>Within a group SPEC.md holds unchanged, with the group's constants: its own lr, betas, eps and
 * weight decay in §6, and for SPARSE parameters its own density in §4 (a group density {@code d}
 * scales the builder's schedule: the group's k is {@code k * d / density} at every step, so all
 * groups refresh together). Without a role, a group's parameters are split by the default
 * partition ({@link NanoAdam#isDenseByDefault}). The setters check nothing; {@code build()}
 * validates every group and names the first bad one.
 */
public final class ParameterGroup {
    final List<Parameter> parameters;
    Double lr;
    Double weightDecay;
    Double beta1;
    Double beta2;
    Double eps;
    Double density;
    Role role;

    private ParameterGroup(List<Parameter> parameters) {
        this.parameters = parameters;
    }

    /**
     * A group of {@code parameters}, in that order, every field inherited.
     *
     * @throws IllegalArgumentException if the list or one of its parameters is null
     */
    public static ParameterGroup of(List<Parameter> parameters) {
        if (parameters == null) {
            throw new IllegalArgumentException("group: parameters = null");
        }
        for (Parameter p : parameters) {
            if (p == null) {
                throw new IllegalArgumentException("group: null parameter");
            }
        }
        return new ParameterGroup(List.copyOf(parameters));
    }

    /** This group's learning rate. */
    public ParameterGroup lr(double lr) { this.lr = lr; return this; }

    /** This group's decoupled weight decay. */
    public ParameterGroup weightDecay(double weightDecay) { this.weightDecay = weightDecay; return this; }

    /** This group's beta1 and beta2. */
    public ParameterGroup betas(double beta1, double beta2) { this.beta1 = beta1; this.beta2 = beta2; return this; }

    /** This group's eps. */
    public ParameterGroup eps(double eps) { this.eps = eps; return this; }

    /** This group's initial density (SPARSE parameters; NanoAdam only). */
    public ParameterGroup density(double density) { this.density = density; return this; }

    /** How this group's parameters are updated (NanoAdam only; default: by name). */
    public ParameterGroup role(Role role) {
        if (role == null) {
            throw new IllegalArgumentException("group: role = null");
        }
        this.role = role;
        return this;
    }

    /** The group's parameters, in order; unmodifiable. */
    public List<Parameter> parameters() {
        return parameters;
    }
}
