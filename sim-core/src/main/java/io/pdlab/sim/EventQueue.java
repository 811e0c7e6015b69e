package io.pdlab.sim;

import java.util.Arrays;

/**
 * A queue of {@link Event}s ordered by (time, sequence), with a capacity; exceeding it throws
 * {@link QueueFullException}, which the simulation reports as an outcome instead of growing
 * without bound. Cancelling removes the event at once, so cancelled timers neither linger nor
 * count as events.
 *
 * <p>Two structures hold the events, and the earliest of them is the queue's head:
 *
 * <ul>
 *   <li><b>Lanes</b>, one per delay in frequent use (a sampler's period, a Raft tick, a retry
 *       interval). Events scheduled with one and the same delay come in (time, sequence) order,
 *       as the clock never goes back and sequences grow, so a lane is a doubly linked FIFO: adding,
 *       taking the first and cancelling are O(1). The non-empty lanes are in a small heap by
 *       their first event.
 *   <li>An indexed binary min-heap for every other event (O(log n)).
 * </ul>
 *
 * Where an event is kept changes only the cost: the order is (time, sequence) either way.
 */
public final class EventQueue {
  /** How many delays get a lane; the others' events go to the heap. */
  static final int LANES = 8;

  private Event[] heap = new Event[64];
  private int heapSize;
  private int size;
  private final int capacity;

  /** The lanes made so far (null beyond them). */
  private final Lane[] lanes = new Lane[LANES];
  private int laneCount;
  /** log2 of the size of {@link #laneBySlot} and {@link #seen}. */
  private static final int SLOT_BITS = 6;
  /** The lane of each slot's delay, by {@link #slot}. */
  private final Lane[] laneBySlot = new Lane[1 << SLOT_BITS];
  /** The last delay without a lane asked for in each slot. */
  private final long[] seen = new long[1 << SLOT_BITS];
  private final boolean[] seenValid = new boolean[1 << SLOT_BITS];
  /** The non-empty lanes, a binary min-heap by their first events. */
  private final Lane[] laneHeap = new Lane[LANES];
  private int laneHeapSize;

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
    settle();
    Event h = heapSize == 0 ? null : heap[0];
    if (laneHeapSize == 0) {
      return h;
    }
    Event l = laneHeap[0].first;
    return h == null || l.before(h) ? l : h;
  }

  /** Queues {@code e}, already stamped with its time and sequence {@code delayUs} from now. */
  void add(Event e, long delayUs) {
    if (e.heapIndex != Event.NOT_QUEUED) {
      throw new IllegalStateException("event is already queued");
    }
    if (size == capacity) {
      throw new QueueFullException(capacity);
    }
    size++;
    e.queue = this;
    Lane lane = laneFor(delayUs);
    if (lane != null) {
      lane.append(e);
      if (lane == emptiedRoot) {
        // the event that emptied it was before every other lane's first, and this one is later
        emptiedRoot = null;
        laneSiftDown(0);
      } else if (lane.first == e) {
        settle();
        laneHeap[laneHeapSize] = lane;
        lane.heapIndex = laneHeapSize;
        laneHeapSize++;
        laneSiftUp(lane.heapIndex);
      }
      return;
    }
    if (heapSize == heap.length) {
      heap = Arrays.copyOf(heap, Math.min(capacity, heap.length * 2));
    }
    heap[heapSize] = e;
    e.heapIndex = heapSize;
    heapSize++;
    siftUp(e.heapIndex);
  }

  /**
   * The lane of {@code delayUs}: its own; else, for a delay asked for again (one that had none
   * the last time its slot of {@link #seen} was asked, so a drawn delay, such as a network
   * latency, seldom gets one), a new lane while there is room, else an empty lane given over to
   * it; else null. Both tables are direct-mapped: a delay that collides with another only goes
   * to the heap.
   */
  private Lane laneFor(long delayUs) {
    int slot = slot(delayUs);
    Lane lane = laneBySlot[slot];
    if (lane != null && lane.delayUs == delayUs) {
      return lane;
    }
    if (!seenValid[slot] || seen[slot] != delayUs) {
      seen[slot] = delayUs;
      seenValid[slot] = true;
      return null;
    }
    if (lane != null && lane.first != null) {
      return null; // the slot's lane is busy with another delay
    }
    if (lane == null) {
      if (laneCount < LANES) {
        lane = new Lane();
        laneCount++;
      } else {
        for (Lane l : lanes) {
          if (l.first == null) {
            lane = l;
            break;
          }
        }
        if (lane == null) {
          return null;
        }
        laneBySlot[slot(lane.delayUs)] = null;
      }
    }
    for (int i = 0; i < LANES; i++) {
      if (lanes[i] == null || lanes[i] == lane) {
        lanes[i] = lane;
        break;
      }
    }
    lane.delayUs = delayUs;
    laneBySlot[slot] = lane;
    return lane;
  }

  private static int slot(long delayUs) {
    long h = delayUs * 0x9E3779B97F4A7C15L;
    return (int) (h >>> (64 - SLOT_BITS));
  }

  /** Removes and returns the earliest event, or null when empty. */
  Event poll() {
    Event top = peek();
    if (top == null) {
      return null;
    }
    if (top.heapIndex == Event.IN_LANE && top.lane.first == top && top.laneNext == null) {
      // the last event of the first lane, which its firing often schedules again
      top.lane.unlink(top);
      size--;
      emptiedRoot = laneHeap[0];
    } else {
      remove(top);
    }
    return top;
  }

  /**
   * A lane that {@link #poll} emptied, left at the root of the lane heap (with its old key, which
   * is before every other lane's) until the next operation: an event that fires and schedules
   * its successor in the same lane (a sampler, a retry) then costs one sift instead of a removal
   * and an insertion. Null when there is none.
   */
  private Lane emptiedRoot;

  /** Takes {@link #emptiedRoot} out of the lane heap. */
  private void settle() {
    if (emptiedRoot != null) {
      emptiedRoot = null;
      laneRemoveAt(0);
    }
  }

  void remove(Event e) {
    if (e.queue != this) {
      return;
    }
    settle();
    if (e.heapIndex >= 0) {
      removeAt(e.heapIndex);
      size--;
    } else if (e.heapIndex == Event.IN_LANE) {
      Lane lane = e.lane;
      boolean wasFirst = lane.first == e;
      lane.unlink(e);
      size--;
      if (wasFirst) {
        if (lane.first == null) {
          laneRemoveAt(lane.heapIndex);
        } else {
          laneSiftDown(lane.heapIndex); // its first event is now a later one
        }
      }
    }
  }

  private void removeAt(int i) {
    Event removed = heap[i];
    heapSize--;
    Event last = heap[heapSize];
    heap[heapSize] = null;
    removed.heapIndex = Event.NOT_QUEUED;
    if (i == heapSize) {
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
    int half = heapSize >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      Event c = heap[child];
      int right = child + 1;
      if (right < heapSize && heap[right].before(c)) {
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

  private void laneRemoveAt(int i) {
    Lane removed = laneHeap[i];
    laneHeapSize--;
    Lane last = laneHeap[laneHeapSize];
    laneHeap[laneHeapSize] = null;
    removed.heapIndex = -1;
    if (i == laneHeapSize) {
      return;
    }
    laneHeap[i] = last;
    last.heapIndex = i;
    laneSiftDown(i);
    if (laneHeap[i] == last) {
      laneSiftUp(i);
    }
  }

  private void laneSiftUp(int i) {
    Lane l = laneHeap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Lane p = laneHeap[parent];
      if (!l.before(p)) {
        break;
      }
      laneHeap[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    laneHeap[i] = l;
    l.heapIndex = i;
  }

  private void laneSiftDown(int i) {
    Lane l = laneHeap[i];
    int half = laneHeapSize >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      Lane c = laneHeap[child];
      int right = child + 1;
      if (right < laneHeapSize && laneHeap[right].before(c)) {
        child = right;
        c = laneHeap[child];
      }
      if (!c.before(l)) {
        break;
      }
      laneHeap[i] = c;
      c.heapIndex = i;
      i = child;
    }
    laneHeap[i] = l;
    l.heapIndex = i;
  }

  /** Events of one delay, in (time, sequence) order, linked through the events. */
  static final class Lane {
    /** The delay of its events. */
    long delayUs;
    Event first;
    Event last;
    /** The first event's time and sequence, kept here so the lane heap reads only lanes. */
    long firstTimeUs;
    long firstSeq;
    /** Position in the lane heap, or -1 when empty. */
    int heapIndex = -1;

    /** Whether this lane's first event comes before {@code other}'s. */
    boolean before(Lane other) {
      return firstTimeUs < other.firstTimeUs
          || (firstTimeUs == other.firstTimeUs && firstSeq < other.firstSeq);
    }

    void append(Event e) {
      e.heapIndex = Event.IN_LANE;
      e.lane = this;
      e.lanePrev = last;
      e.laneNext = null;
      if (last == null) {
        first = e;
        firstTimeUs = e.timeUs;
        firstSeq = e.seq;
      } else {
        last.laneNext = e;
      }
      last = e;
    }

    void unlink(Event e) {
      Event p = e.lanePrev;
      Event n = e.laneNext;
      if (p == null) {
        first = n;
        if (n != null) {
          firstTimeUs = n.timeUs;
          firstSeq = n.seq;
        }
      } else {
        p.laneNext = n;
      }
      if (n == null) {
        last = p;
      } else {
        n.lanePrev = p;
      }
      e.lanePrev = null;
      e.laneNext = null;
      e.lane = null;
      e.heapIndex = Event.NOT_QUEUED;
    }
  }

  /** Thrown when an event is scheduled on a full queue. */
  public static final class QueueFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    QueueFullException(int capacity) {
      super("event queue is full (capacity " + capacity + " events)");
    }
  }
}
