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
    /// inputs. High percentiles keep a min-heap of the values above the rank (one comparison for most
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
        if (m <= n / 8 && scratch.Length >= m)
        {
            var heap = scratch[..m];
            var size = 0;
            for (var i = 0; i < n; i++)
            {
                var v = b.Length == 0 ? a[i] : a[i] + b[i];
                if (float.IsNaN(v))
                {
                    v = 0f;
                }

                if (size < m)
                {
                    // sift up
                    var c = size++;
                    while (c > 0)
                    {
                        var parent = (c - 1) >> 1;
                        if (heap[parent] <= v)
                        {
                            break;
                        }

                        heap[c] = heap[parent];
                        c = parent;
                    }

                    heap[c] = v;
                }
                else if (v > heap[0])
                {
                    // replace the root, sift down
                    var c = 0;
                    while (true)
                    {
                        var l = (2 * c) + 1;
                        if (l >= m)
                        {
                            break;
                        }

                        var r = l + 1;
                        var smallest = r < m && heap[r] < heap[l] ? r : l;
                        if (heap[smallest] >= v)
                        {
                            break;
                        }

                        heap[c] = heap[smallest];
                        c = smallest;
                    }

                    heap[c] = v;
                }
            }

            return heap[0];
        }

        var buf = scratch.Length >= n ? scratch[..n] : new float[n];
        for (var i = 0; i < n; i++)
        {
            var v = b.Length == 0 ? a[i] : a[i] + b[i];
            buf[i] = float.IsNaN(v) ? 0f : v;
        }

        return Select(buf, k);
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
