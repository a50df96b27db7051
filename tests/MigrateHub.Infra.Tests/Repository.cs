using System.Reflection;

namespace MigrateHub.Infra.Tests;

/// <summary>Where the repository and the restored Bicep CLI are (recorded at build time).</summary>
public static class Repository
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    public static string InfraDirectory { get; } = Path.Combine(Root, "infra");

    public static string BicepCli { get; } = Metadata("BicepCliPath");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"Assembly metadata '{key}' missing: see MigrateHub.Infra.Tests.csproj.");
}
