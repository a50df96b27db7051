using CsCheck;
using MigrateHub.Shared.Assessment;

namespace MigrateHub.Shared.Tests.Assessment;

public class PercentileTests
{
    [Theory]
    [InlineData(50, 50f)]
    [InlineData(90, 90f)]
    [InlineData(95, 95f)]
    [InlineData(99, 99f)]
    public void NearestRank_OneToHundredShuffled_ReturnsRankValue(int p, float expected)
    {
        var values = Enumerable.Range(1, 100).Select(i => (float)i).ToArray();
        new Random(7).Shuffle(values);
        Assert.Equal(expected, Percentiles.NearestRank(values, p));
    }

    [Fact]
    public void NearestRank_TenValues_P95_IsTheLargest()
    {
        // ceil(0.95 x 10) = 10th smallest
        float[] values = [3, 9, 1, 7, 5, 10, 2, 8, 4, 6];
        Assert.Equal(10f, Percentiles.NearestRank(values, 95));
        float[] again = [3, 9, 1, 7, 5, 10, 2, 8, 4, 6];
        Assert.Equal(5f, Percentiles.NearestRank(again, 50));
    }

    [Fact]
    public void Select_MatchesSortedOrder_ForRandomArrays()
    {
        Gen.Float[-1000f, 1000f].Array[1, 300].Select(Gen.Int[0, 1000]).Sample((arr, kSeed) =>
        {
            var k = kSeed % arr.Length;
            var sorted = arr.Order().ToArray();
            var copy = arr.ToArray();
            return Percentiles.Select(copy, k) == sorted[k];
        }, iter: 500);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(20, 1)]
    [InlineData(20.5, 2)]
    [InlineData(40, 2)]
    [InlineData(41, 3)]
    [InlineData(60, 3)]
    [InlineData(61, 4)]
    [InlineData(80, 4)]
    [InlineData(81, 5)]
    [InlineData(100, 5)]
    public void ConfidenceStars_FollowsTheTwentyPercentBands(double share, int stars) =>
        Assert.Equal(stars, Percentiles.ConfidenceStars(share));
}

public class PercentileSpanTests
{
    [Fact]
    public void HeapAndSelectionPaths_AgreeWithTheSortedDefinition_ForSums()
    {
        Gen.Float[0f, 500f].Array[1, 2000].Select(Gen.Int[0, 3]).Sample((arr, pi) =>
        {
            int[] ps = [50, 90, 95, 99];
            var p = ps[pi];
            var b = arr.Select(x => x / 3f).ToArray();
            var sums = arr.Zip(b, (x, y) => x + y).Order().ToArray();
            var expected = sums[Math.Clamp((int)Math.Ceiling(p / 100.0 * sums.Length) - 1, 0, sums.Length - 1)];
            var scratch = new float[arr.Length];
            var fast = Percentiles.NearestRank(arr, b, p, scratch);
            var single = Percentiles.NearestRank(arr, default, p, scratch);
            var expectedSingle = arr.Order().ToArray()[Math.Clamp((int)Math.Ceiling(p / 100.0 * arr.Length) - 1, 0, arr.Length - 1)];
            return fast == expected && single == expectedSingle;
        }, iter: 300);
    }
}

public class PercentileEdgeTests
{
    [Fact]
    public void MostlyZeroAndNaNSeries_CountNaNAsZero_AndMatchTheSortedDefinition()
    {
        var value = Gen.Frequency((6, Gen.Const(0f)), (1, Gen.Const(float.NaN)), (3, Gen.Float[0f, 100f]));
        value.Array[1, 3000].Select(Gen.Int[0, 3]).Sample((arr, pi) =>
        {
            int[] ps = [50, 90, 95, 99];
            var p = ps[pi];
            var clean = arr.Select(x => float.IsNaN(x) ? 0f : x).Order().ToArray();
            var expected = clean[Math.Clamp((int)Math.Ceiling(p / 100.0 * clean.Length) - 1, 0, clean.Length - 1)];
            return Percentiles.NearestRank(arr, default, p, new float[arr.Length]) == expected;
        }, iter: 400);
    }
}
