/**
 * Where independent, deterministic runs are executed: the threads of this JVM ({@link
 * ThreadEngine}, the default) or a cluster engine found at run time ({@link Engines}; Apache
 * Spark in the {@code spark} module). An engine only maps a list of serializable inputs to their
 * results, in input order, so the same inputs give the same results on every engine.
 */
package io.pdlab.scenarios.engine;
