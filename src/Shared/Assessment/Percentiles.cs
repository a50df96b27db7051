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
