using System.Text.Json;

namespace MigrateHub.Infra.Tests;

/// <summary>
/// Runs `bicep snapshot` once per parameter file on a copy of infra/ (snapshot writes its output
/// next to the parameter file, and the tests must not write into the working tree) and keeps the
/// compiled main.bicep for text checks.
/// </summary>
public sealed class InfraSnapshots : IDisposable
{
    /// <summary>Parameter files under infra/, and the azd environment main.bicepparam is evaluated with.</summary>
    public static readonly IReadOnlyList<string> ParameterFiles = ["env/dev.bicepparam", "env/prod.bicepparam", "main.bicepparam"];

    public const string SubscriptionId = "00000000-0000-0000-0000-00000000a2e1";

    // What azd would set for main.bicepparam (two regions, so the multi-region path is exercised);
    // the fixed environments (env/*.bicepparam) see none of it and use their own defaults.
    private static readonly Dictionary<string, string?> AzdEnvironment = new(StringComparer.Ordinal)
    {
        ["AZURE_ENV_NAME"] = "infra-test",
        ["AZURE_LOCATION"] = "northeurope",
        ["MIGRATEHUB_STAMP_REGIONS"] = "northeurope, eastus2",
    };

    private static readonly Dictionary<string, string?> NoAzdEnvironment = new(StringComparer.Ordinal)
    {
        ["AZURE_ENV_NAME"] = null,
        ["AZURE_LOCATION"] = null,
        ["MIGRATEHUB_STAMP_REGIONS"] = null,
    };

    private readonly string _workDirectory;
    private readonly Dictionary<string, DeploymentSnapshot> _snapshots = new(StringComparer.Ordinal);

    public InfraSnapshots()
    {
        _workDirectory = Directory.CreateTempSubdirectory("migratehub-infra-tests-").FullName;
        CopyDirectory(Repository.InfraDirectory, _workDirectory);

        var build = BicepCli.Run(_workDirectory, NoAzdEnvironment, "build", "main.bicep", "--stdout");
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build main.bicep failed:\n{build.StandardError}");
        }

        CompiledMainTemplate = build.StandardOutput;

        foreach (var parameterFile in ParameterFiles)
        {
            _snapshots[parameterFile] = Snapshot(parameterFile);
        }
    }

    /// <summary>main.bicep compiled to an ARM template (JSON text).</summary>
    public string CompiledMainTemplate { get; }

    public DeploymentSnapshot this[string parameterFile] => _snapshots[parameterFile];

    public IEnumerable<DeploymentSnapshot> All => _snapshots.Values;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private DeploymentSnapshot Snapshot(string parameterFile)
    {
        var environment = parameterFile == "main.bicepparam" ? AzdEnvironment : NoAzdEnvironment;
        var parameters = BicepCli.Run(_workDirectory, environment, "build-params", parameterFile, "--stdout");
        if (parameters.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build-params {parameterFile} failed:\n{parameters.StandardError}");
        }

        using var built = JsonDocument.Parse(parameters.StandardOutput);
        using var parametersJson = JsonDocument.Parse(built.RootElement.GetProperty("parametersJson").GetString()!);
        var values = parametersJson.RootElement.GetProperty("parameters");
        var location = values.GetProperty("location").GetProperty("value").GetString()!;
        var environmentName = values.GetProperty("environmentName").GetProperty("value").GetString()!;
        IReadOnlyList<string> regions = values.TryGetProperty("stampRegions", out var stampRegions)
            ? [.. stampRegions.GetProperty("value").EnumerateArray().Select(r => r.GetString()!)]
            : [location];

        var snapshot = BicepCli.Run(
            _workDirectory,
            environment,
            "snapshot", parameterFile, "--mode", "overwrite", "--subscription-id", SubscriptionId, "--location", location);
        if (snapshot.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep snapshot {parameterFile} failed:\n{snapshot.StandardError}");
        }

        var snapshotFile = Path.Combine(_workDirectory, Path.ChangeExtension(parameterFile, ".snapshot.json"));
        using var document = JsonDocument.Parse(File.ReadAllText(snapshotFile));
        return new DeploymentSnapshot(parameterFile, document.RootElement, regions, environmentName);
    }

    private static void CopyDirectory(string source, string destination)
    {
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(destination, Path.GetRelativePath(source, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(destination, Path.GetRelativePath(source, file)), overwrite: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class InfraCollection : ICollectionFixture<InfraSnapshots>
{
    public const string Name = "infra snapshots";
}
