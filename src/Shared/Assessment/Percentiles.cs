namespace MigrateHub.Shared.Assessment;

/// <summary>Percentile by selection (nearest-rank definition), O(n) on average, no full sort.</summary>
public static class Percentiles
{
    /// <summary>
    /// The nearest-rank percentile: sort ascending, take the value at 1-based rank ceil(p/100 x n).
    /// <paramref name="values"/> is reordered in place. NaN counts as 0.
    /// </summary>
    public static float NearestRank(Span<float> values, double percentile)
    {
        var n = values.Length;
        if (n == 0)
        {
            throw new ArgumentException("No values.", nameof(values));
        }

        var k = (int)Math.Ceiling(percentile / 100.0 * n) - 1;
        k = Math.Clamp(k, 0, n - 1);
        for (var i = 0; i < n; i++)
        {
            if (float.IsNaN(values[i]))
            {
                values[i] = 0f;
            }
        }

        return Select(values, k);
    }

    /// <summary>
    /// Nearest-rank percentile of a[i] + b[i] (b may be empty: then of a alone) without changing the
    /// inputs. High percentiles select among the values above a sampled threshold (one pass over the
    /// points); lower ones copy into <paramref name="scratch"/> and select. NaN counts as 0.
    /// </summary>
    public static float NearestRank(ReadOnlySpan<float> a, ReadOnlySpan<float> b, double percentile, Span<float> scratch)
    {
        var n = a.Length;
        if (n == 0)
        {
            throw new ArgumentException("No values.", nameof(a));
        }

        if (b.Length != 0 && b.Length != n)
        {
            throw new ArgumentException("Both spans must have the same length.", nameof(b));
        }

        var k = Math.Clamp((int)Math.Ceiling(percentile / 100.0 * n) - 1, 0, n - 1);
        var m = n - k; // the answer is the m-th largest value
        if (m <= n / 4 && scratch.Length >= n / 2)
        {
            var r = TopBySampledThreshold(a, b, m, scratch[..(n / 2)]);
            if (!float.IsNaN(r))
            {
                return r;
            }
        }

        var buf = scratch.Length >= n ? scratch[..n] : new float[n];
        for (var i = 0; i < n; i++)
        {
            var v = b.Length == 0 ? a[i] : a[i] + b[i];
            buf[i] = float.IsNaN(v) ? 0f : v;
        }

        return Select(buf, k);
    }

    /// <summary>
    /// The m-th largest of a[i] (+ b[i]) for small m: a threshold t is taken from a sample so that a few
    /// more than m values are >= t; one pass copies those into <paramref name="scratch"/> and a selection
    /// among them gives the answer. Exact: when fewer than m values reach t, falls back to a full selection.
    /// </summary>
    private static float TopBySampledThreshold(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int m, Span<float> scratch)
    {
        var n = a.Length;
        var hasB = b.Length != 0;
        var stride = Math.Max(1, n / 256);
        Span<float> sample = stackalloc float[(n + stride - 1) / stride];
        var sn = 0;
        for (var i = 0; i < n; i += stride)
        {
            var v = hasB ? a[i] + b[i] : a[i];
            sample[sn++] = float.IsNaN(v) ? 0f : v;
        }

        // Aim for about 1.5 m values above the threshold, plus a margin of a few sample ranks.
        var above = (int)Math.Ceiling(sn * (double)m / n * 1.5) + 4;
        var kSample = Math.Max(0, sn - above);
        var t = Select(sample[..sn], kSample);
        var count = 0;
        var cap = scratch.Length;
        var overflow = false;
        for (var i = 0; i < n; i++)
        {
            var v = hasB ? a[i] + b[i] : a[i];
            if (v >= t)
            {
                if (count == cap)
                {
                    overflow = true;
                    break;
                }

                scratch[count++] = v;
            }
            else if (float.IsNaN(v) && t <= 0f)
            {
                if (count == cap)
                {
                    overflow = true;
                    break;
                }

                scratch[count++] = 0f;
            }
        }

        if (!overflow && count >= m)
        {
            return Select(scratch[..count], count - m);
        }

        return float.NaN; // caller falls back to the full selection
    }

    /// <summary>The k-th smallest value (0-based) of <paramref name="a"/>; reorders it (Hoare selection).</summary>
    public static float Select(Span<float> a, int k)
    {
        var lo = 0;
        var hi = a.Length - 1;
        while (hi > lo)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (a[mid] < a[lo])
            {
                (a[mid], a[lo]) = (a[lo], a[mid]);
            }

            if (a[hi] < a[lo])
            {
                (a[hi], a[lo]) = (a[lo], a[hi]);
            }

            if (a[hi] < a[mid])
            {
                (a[hi], a[mid]) = (a[mid], a[hi]);
            }

            var pivot = a[mid];
            var i = lo;
            var j = hi;
            while (i <= j)
            {
                while (a[i] < pivot)
                {
                    i++;
                }

                while (a[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (a[i], a[j]) = (a[j], a[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                return a[k];
            }
        }

        return a[k];
    }

    /// <summary>Confidence rating from the share of expected data points: 0-20 % 1 star, 21-40 % 2, 41-60 % 3, 61-80 % 4, 81-100 % 5.</summary>
    public static int ConfidenceStars(double sharePercent) => sharePercent switch
    {
        <= 20 => 1,
        <= 40 => 2,
        <= 60 => 3,
        <= 80 => 4,
        _ => 5,
    };
}
