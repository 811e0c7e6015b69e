package io.pdlab.sim;

/**
 * A distribution of durations in microseconds, sampled with a caller's {@link Rng}. Samples are
 * never negative. {@link #toString()} is stable: it appears in printed run parameters.
 */
public sealed interface Distribution {
  long sampleUs(Rng rng);

  /** The mean, for reports and sanity checks. */
  double expectedUs();

  static Distribution constant(long us) {
    return new Constant(us);
  }

  static Distribution uniform(long minUs, long maxUs) {
    return new Uniform(minUs, maxUs);
  }

  /** {@code minUs} plus an exponential tail of mean {@code tailMeanUs}, capped at {@code maxUs}. */
  static Distribution shiftedExponential(long minUs, long tailMeanUs, long maxUs) {
    return new ShiftedExponential(minUs, tailMeanUs, maxUs);
  }

  /** A normal distribution clamped to [minUs, maxUs]. */
  static Distribution normal(long meanUs, long stddevUs, long minUs, long maxUs) {
    return new Normal(meanUs, stddevUs, minUs, maxUs);
  }

  record Constant(long us) implements Distribution {
    public Constant {
      if (us < 0) {
        throw new IllegalArgumentException("constant duration must be >= 0 us, got " + us);
      }
    }

    @Override
    public long sampleUs(Rng rng) {
      return us;
    }

    @Override
    public double expectedUs() {
      return us;
    }

    @Override
    public String toString() {
      return "constant(" + us + "us)";
    }
  }

  record Uniform(long minUs, long maxUs) implements Distribution {
    public Uniform {
      if (minUs < 0 || maxUs < minUs) {
        throw new IllegalArgumentException(
            "uniform needs 0 <= min <= max, got [" + minUs + ", " + maxUs + "] us");
      }
    }

    @Override
    public long sampleUs(Rng rng) {
      return rng.between(minUs, maxUs);
    }

    @Override
    public double expectedUs() {
      return (minUs + maxUs) / 2.0;
    }

    @Override
    public String toString() {
      return "uniform(" + minUs + "us.." + maxUs + "us)";
    }
  }

  record ShiftedExponential(long minUs, long tailMeanUs, long maxUs) implements Distribution {
    public ShiftedExponential {
      if (minUs < 0 || tailMeanUs < 0 || maxUs < minUs) {
        throw new IllegalArgumentException("shifted exponential needs 0 <= min <= max and"
            + " mean >= 0, got min=" + minUs + " mean=" + tailMeanUs + " max=" + maxUs);
      }
    }

    @Override
    public long sampleUs(Rng rng) {
      double tail = -tailMeanUs * StrictMath.log(1.0 - rng.nextDouble());
      return Math.min(maxUs, minUs + (long) tail);
    }

    @Override
    public double expectedUs() {
      return minUs + tailMeanUs;
    }

    @Override
    public String toString() {
      return "shiftedExp(min=" + minUs + "us,mean+=" + tailMeanUs + "us,max=" + maxUs + "us)";
    }
  }

  record Normal(long meanUs, long stddevUs, long minUs, long maxUs) implements Distribution {
    public Normal {
      if (stddevUs < 0 || minUs < 0 || maxUs < minUs) {
        throw new IllegalArgumentException("normal needs stddev >= 0 and 0 <= min <= max, got"
            + " mean=" + meanUs + " sd=" + stddevUs + " min=" + minUs + " max=" + maxUs);
      }
    }

    @Override
    public long sampleUs(Rng rng) {
      long v = StrictMath.round(meanUs + stddevUs * rng.nextGaussian());
      return Math.max(minUs, Math.min(maxUs, v));
    }

    @Override
    public double expectedUs() {
      return Math.max(minUs, Math.min(maxUs, meanUs));
    }

    @Override
    public String toString() {
      return "normal(mean=" + meanUs + "us,sd=" + stddevUs + "us,[" + minUs + "us.." + maxUs
          + "us])";
    }
  }
}
