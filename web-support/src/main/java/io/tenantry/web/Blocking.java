package io.tenantry.web;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.concurrent.Callable;

/**
 * Runs blocking work (JDBC through jOOQ, broker commands) off the event loop, on Reactor's bounded elastic
 * scheduler, as WebFlux requires.
 */
public final class Blocking {
    private Blocking() {
    }

    /**
     * @return a Mono that runs {@code work} on the bounded elastic scheduler when subscribed and emits its result
     *         (or its exception, which the problem handler maps)
     */
    public static <T> Mono<T> call(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }
}
