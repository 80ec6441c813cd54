package io.tenantry.alert.eval;

import java.time.Duration;
import java.time.Instant;

/**
 * Per rule × device: OK → PENDING → FIRING → RESOLVED (issue 12 "Evaluation"). A breach moves OK/RESOLVED to
 * PENDING (or straight to FIRING when {@code for} is zero); PENDING becomes FIRING once the breach has lasted
 * {@code for}; a PENDING whose breach ends goes back to OK without an event; FIRING becomes RESOLVED only when the
 * observation clears (hysteresis: {@code cleared} may be stricter than "not breaching"). An unknown observation
 * (no data for a threshold, too few points) changes nothing. Pure; the caller persists the result.
 */
public final class StateMachine {
    public enum State { OK, PENDING, FIRING, RESOLVED }

    /** The event a step produces. */
    public enum Transition { NONE, FIRED, RESOLVED }

    /**
     * @param state the new state
     * @param since when it was entered
     */
    public record Step(State state, Instant since, Transition transition) {
    }

    private StateMachine() {
    }

    /**
     * @param state   current state ({@link State#OK} when none stored)
     * @param since   when it was entered
     * @param breach  the condition holds; null when unknown
     * @param cleared the firing alert may resolve; null when unknown
     * @param at      the evaluation time
     * @param forD    how long a breach must last before firing
     */
    public static Step step(State state, Instant since, Boolean breach, Boolean cleared, Instant at, Duration forD) {
        switch (state) {
            case OK, RESOLVED -> {
                if (Boolean.TRUE.equals(breach)) {
                    return forD.isZero() ? new Step(State.FIRING, at, Transition.FIRED) : new Step(State.PENDING, at, Transition.NONE);
                }
                return new Step(state, since, Transition.NONE);
            }
            case PENDING -> {
                if (breach == null) {
                    return new Step(state, since, Transition.NONE);
                }
                if (!breach) {
                    return new Step(State.OK, at, Transition.NONE);
                }
                if (Duration.between(since, at).compareTo(forD) >= 0) {
                    return new Step(State.FIRING, at, Transition.FIRED);
                }
                return new Step(state, since, Transition.NONE);
            }
            default -> {
                if (Boolean.TRUE.equals(cleared)) {
                    return new Step(State.RESOLVED, at, Transition.RESOLVED);
                }
                return new Step(state, since, Transition.NONE);
            }
        }
    }
}
