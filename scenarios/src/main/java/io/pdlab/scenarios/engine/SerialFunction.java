package io.pdlab.scenarios.engine;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A function an engine may ship to another JVM: it and what it captures must be serializable.
 *
 * @param <T> input
 * @param <R> result
 */
@FunctionalInterface
public interface SerialFunction<T, R> extends Function<T, R>, Serializable {}
