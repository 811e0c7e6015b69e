/**
 * The API server's storage as the model needs it: objects by kind and key, a resourceVersion on
 * every write, optimistic concurrency, and watches delivered asynchronously (after the writing
 * event, as informers see them), all in deterministic order.
 */
package io.pdlab.k8s.store;
