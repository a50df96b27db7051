using MigrateHub.Shared.Migration;

namespace MigrateHub.Shared.Tests.Migration;

public sealed class WorkItemProgressTests
{
    [Fact]
    public void Percent_is_rounded_down_and_exact_for_huge_disks()
    {
        Assert.Equal(0, WorkItemProgress.PercentOf(0, 10_000));
        Assert.Equal(45, WorkItemProgress.PercentOf(4_599, 10_000));
        Assert.Equal(99, WorkItemProgress.PercentOf(9_999, 10_000));
        Assert.Equal(100, WorkItemProgress.PercentOf(10_000, 10_000));
        Assert.Equal(49, WorkItemProgress.PercentOf(long.MaxValue / 2 - 1, long.MaxValue - 1));
        Assert.Equal(0, WorkItemProgress.PercentOf(5, 0));
        Assert.Equal(33, new WorkItemProgress(1, 3, DateTimeOffset.UnixEpoch).Percent);
    }

    [Fact]
    public void Validation_names_each_wrong_field()
    {
        Assert.Empty(WorkItemProgress.Validate(0, 1));
        Assert.Empty(WorkItemProgress.Validate(10, 10));
        Assert.Equal(["bytesTransferred", "totalBytes"], WorkItemProgress.Validate(null, null).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["totalBytes"], WorkItemProgress.Validate(0, 0).Keys);
        Assert.Equal(["totalBytes"], WorkItemProgress.Validate(5, -1).Keys);
        Assert.Equal(["bytesTransferred"], WorkItemProgress.Validate(-1, 10).Keys);
        Assert.Equal(["bytesTransferred"], WorkItemProgress.Validate(11, 10).Keys);
        Assert.Contains("at most", WorkItemProgress.Validate(11, 10)["bytesTransferred"][0], StringComparison.Ordinal);
    }
}
