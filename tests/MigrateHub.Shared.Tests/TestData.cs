namespace MigrateHub.Shared.Tests;

/// <summary>Paths of the repository samples copied next to the test assembly.</summary>
internal static class TestData
{
    public static string Sample(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "samples", .. parts]);

    public static FileStream Open(params string[] parts) => File.OpenRead(Sample(parts));
}
