package io.pdlab.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventLoopTest {
  private final EventLoop loop = new EventLoop(1_000);
  private final List<String> fired = new ArrayList<>();

  private void at(long us, String name) {
    loop.schedule(us, () -> fired.add(name + "@" + loop.nowUs()));
  }

  private void drain() {
    while (loop.runNext(Long.MAX_VALUE)) {
      // run everything
    }
  }

  @Test
  void firesInTimeOrderRegardlessOfSchedulingOrder() {
    at(30, "c");
    at(10, "a");
    at(20, "b");
    drain();
    assertEquals(List.of("a@10", "b@20", "c@30"), fired);
    assertEquals(3, loop.eventsRun());
    assertEquals(30, loop.nowUs());
  }

  @Test
  void tiesAreBrokenBySchedulingOrder() {
    for (int i = 0; i < 50; i++) {
      at(7, "e" + i);
    }
    drain();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      expected.add("e" + i + "@7");
    }
    assertEquals(expected, fired);
  }

  @Test
  void workScheduledWhileRunningAtTheSameTimeRunsAfterWhatWasAlreadyDue() {
    loop.schedule(5, () -> {
      fired.add("first");
      loop.schedule(0, () -> fired.add("child"));
    });
    loop.schedule(5, () -> fired.add("second"));
    drain();
    assertEquals(List.of("first", "second", "child"), fired);
  }

  @Test
  void cancelledTimerNeverFiresAndIsNotCounted() {
    at(10, "a");
    TimerHandle b = loop.schedule(20, () -> fired.add("b"));
    at(30, "c");
    assertTrue(b.isPending());
    assertTrue(b.cancel());
    assertFalse(b.isPending());
    assertFalse(b.cancel(), "second cancel reports nothing to cancel");
    drain();
    assertEquals(List.of("a@10", "c@30"), fired);
    assertEquals(2, loop.eventsRun());
  }

  @Test
  void cancelAfterFiringReturnsFalse() {
    TimerHandle h = loop.schedule(1, () -> fired.add("x"));
    drain();
    assertFalse(h.cancel());
    assertEquals(List.of("x"), fired);
  }

  @Test
  void cancellingFromTheMiddleOfALargeHeapKeepsOrder() {
    List<TimerHandle> handles = new ArrayList<>();
    Rng rng = new Rng(3);
    for (int i = 0; i < 500; i++) {
      long t = rng.nextLong(1_000);
      int id = i;
      handles.add(loop.schedule(t, () -> fired.add(id + ":" + loop.nowUs())));
    }
    for (int i = 0; i < 500; i += 3) {
      handles.get(i).cancel();
    }
    long last = -1;
    int count = 0;
    while (loop.runNext(Long.MAX_VALUE)) {
      assertTrue(loop.nowUs() >= last, "time went backwards");
      last = loop.nowUs();
      count++;
    }
    assertEquals(500 - 167, count);
    for (String f : fired) {
      assertTrue(Integer.parseInt(f.split(":")[0]) % 3 != 0, "cancelled event fired: " + f);
    }
  }

  /**
   * Events scheduled, cancelled and fired in a random mix, many at the same time, fire in (time,
   * scheduling order) exactly as a sorted reference says.
   */
  @Test
  void aRandomMixOfSchedulesCancelsAndFiresKeepsTimeThenSchedulingOrder() {
    randomMix(8);
  }

  /**
   * As above with more distinct delays than the queue has lanes: lanes are given over to other
   * delays when they empty, and the events of the delays without one go to the heap, which the
   * lanes' events must interleave with.
   */
  @Test
  void aRandomMixWithMoreDelaysThanLanesKeepsTimeThenSchedulingOrder() {
    randomMix(3 * EventQueue.LANES);
  }

  /** Schedules (delays of {@code delays} kinds), cancels and fires against a reference. */
  private void randomMix(int delays) {
    Rng rng = new Rng(11);
    java.util.TreeMap<Long, java.util.TreeMap<Integer, TimerHandle>> reference =
        new java.util.TreeMap<>();
    List<String> expected = new ArrayList<>();
    List<TimerHandle> live = new ArrayList<>();
    List<Integer> liveIds = new ArrayList<>();
    List<Long> liveTimes = new ArrayList<>();
    int next = 0;
    for (int step = 0; step < 20_000; step++) {
      int op = (int) rng.nextLong(10);
      if (op < 5 || live.isEmpty()) {
        long delay = rng.nextLong(delays) * 10;
        int id = next++;
        TimerHandle h = loop.schedule(delay, () -> fired.add(id + "@" + loop.nowUs()));
        reference.computeIfAbsent(loop.nowUs() + delay, k -> new java.util.TreeMap<>()).put(id, h);
        live.add(h);
        liveIds.add(id);
        liveTimes.add(loop.nowUs() + delay);
      } else if (op < 7) {
        int k = (int) rng.nextLong(live.size());
        live.get(k).cancel();
        reference.get(liveTimes.get(k)).remove(liveIds.get(k));
        live.remove(k);
        liveIds.remove(k);
        liveTimes.remove(k);
      } else {
        var first = reference.firstEntry();
        while (first != null && first.getValue().isEmpty()) {
          reference.remove(first.getKey());
          first = reference.firstEntry();
        }
        if (first == null) {
          continue;
        }
        int id = first.getValue().firstKey();
        first.getValue().remove(id);
        expected.add(id + "@" + first.getKey());
        int k = liveIds.indexOf(id);
        live.remove(k);
        liveIds.remove(k);
        liveTimes.remove(k);
        assertTrue(loop.runNext(Long.MAX_VALUE));
      }
    }
    assertEquals(expected, fired);
  }

  @Test
  void runNextRespectsTheLimitAndDoesNotMoveTheClock() {
    at(100, "late");
    assertFalse(loop.runNext(99));
    assertEquals(0, loop.nowUs());
    assertTrue(loop.runNext(100));
    assertEquals(100, loop.nowUs());
  }

  @Test
  void advanceToNeverSkipsQueuedEventsNorGoesBack() {
    at(50, "a");
    assertThrows(IllegalStateException.class, () -> loop.advanceTo(60));
    loop.advanceTo(40);
    assertEquals(40, loop.nowUs());
    loop.advanceTo(10);
    assertEquals(40, loop.nowUs());
  }

  @Test
  void rejectsNegativeDelays() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> loop.schedule(-1, () -> {}));
    assertTrue(e.getMessage().contains("negative delay"));
  }

  @Test
  void queueHasACapacity() {
    EventLoop small = new EventLoop(3);
    small.schedule(1, () -> {});
    small.schedule(1, () -> {});
    small.schedule(1, () -> {});
    EventQueue.QueueFullException e = assertThrows(EventQueue.QueueFullException.class,
        () -> small.schedule(1, () -> {}));
    assertTrue(e.getMessage().contains("capacity 3"));
  }
}
