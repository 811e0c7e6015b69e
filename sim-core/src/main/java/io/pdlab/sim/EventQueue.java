package io.pdlab.sim;

import java.util.Arrays;

/**
 * An indexed binary min-heap of {@link Event}s ordered by (time, sequence). Cancelling removes
 * the event at once (O(log n)), so cancelled timers neither linger nor count as events. The queue
 * has a capacity; exceeding it throws {@link QueueFullException}, which the simulation reports as
 * an outcome instead of growing without bound.
 */
public final class EventQueue {
  private Event[] heap = new Event[64];
  private int size;
  private final int capacity;

  public EventQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("queue capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public int capacity() {
    return capacity;
  }

  /** The earliest event, or null when empty. */
  public Event peek() {
    return size == 0 ? null : heap[0];
  }

  void add(Event e) {
    if (e.heapIndex >= 0) {
      throw new IllegalStateException("event is already queued");
    }
    if (size == capacity) {
      throw new QueueFullException(capacity);
    }
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, Math.min(capacity, heap.length * 2));
    }
    e.queue = this;
    heap[size] = e;
    e.heapIndex = size;
    size++;
    siftUp(e.heapIndex);
  }

  /** Removes and returns the earliest event, or null when empty. */
  Event poll() {
    if (size == 0) {
      return null;
    }
    Event top = heap[0];
    removeAt(0);
    return top;
  }

  void remove(Event e) {
    if (e.queue != this || e.heapIndex < 0) {
      return;
    }
    removeAt(e.heapIndex);
  }

  private void removeAt(int i) {
    Event removed = heap[i];
    size--;
    Event last = heap[size];
    heap[size] = null;
    removed.heapIndex = -1;
    if (i == size) {
      return;
    }
    heap[i] = last;
    last.heapIndex = i;
    siftDown(i);
    if (heap[i] == last) {
      siftUp(i);
    }
  }

  private void siftUp(int i) {
    Event e = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Event p = heap[parent];
      if (!e.before(p)) {
        break;
      }
      heap[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    heap[i] = e;
    e.heapIndex = i;
  }

  private void siftDown(int i) {
    Event e = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      Event c = heap[child];
      int right = child + 1;
      if (right < size && heap[right].before(c)) {
        child = right;
        c = heap[child];
      }
      if (!c.before(e)) {
        break;
      }
      heap[i] = c;
      c.heapIndex = i;
      i = child;
    }
    heap[i] = e;
    e.heapIndex = i;
  }

  /** Thrown when an event is scheduled on a full queue. */
  public static final class QueueFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    QueueFullException(int capacity) {
      super("event queue is full (capacity " + capacity + " events)");
    }
  }
}
