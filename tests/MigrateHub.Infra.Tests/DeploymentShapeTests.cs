using System.Reflection;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MigrateHub.Infra.Tests;

/// <summary>The deployment as a whole: Flex runtime, names, tags, azd wiring.</summary>
[Collection(InfraCollection.Name)]
public sealed class DeploymentShapeTests(InfraSnapshots infra)
{
    public static TheoryData<string> ParameterFiles => [.. InfraSnapshots.ParameterFiles];

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Snapshot_has_no_diagnostics(string parameterFile) =>
        Assert.Empty(infra[parameterFile].Diagnostics);

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Flex_Consumption_runs_the_dotnet_version_the_Functions_project_targets(string parameterFile)
    {
        var framework = Assembly.Load(new AssemblyName("MigrateHub.Functions"))
            .GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName; // ".NETCoreApp,Version=v10.0"
        var targetVersion = framework[(framework.IndexOf("=v", StringComparison.Ordinal) + 2)..];

        foreach (var stamp in infra[parameterFile].Stamps)
        {
            Assert.Equal("functionapp,linux", stamp.Site.GetProperty("kind").GetString());
            var runtime = stamp.Site.GetProperty("properties").GetProperty("functionAppConfig").GetProperty("runtime");
            Assert.Equal("dotnet-isolated", runtime.GetProperty("name").GetString());
            Assert.Equal(targetVersion, runtime.GetProperty("version").GetString());

            var plan = stamp.Single("Microsoft.Web/serverfarms");
            Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
            Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Every_stamp_resource_is_in_the_stamps_region(string parameterFile)
    {
        foreach (var stamp in infra[parameterFile].Stamps)
        {
            foreach (var resource in stamp.Resources.Where(r => r.TryGetProperty("location", out _)))
            {
                Assert.Equal(stamp.Region, resource.GetProperty("location").GetString());
            }
        }
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Tracked_resources_carry_the_azd_tags_and_each_stamp_has_one_api_app(string parameterFile)
    {
        var snapshot = infra[parameterFile];
        foreach (var resource in snapshot.Resources.Where(r => r.TryGetProperty("location", out _)))
        {
            Assert.True(
                resource.TryGetProperty("tags", out var tags) && tags.TryGetProperty("azd-env-name", out var env) && env.GetString() == snapshot.EnvironmentName,
                $"{parameterFile}: {DeploymentSnapshot.IdOf(resource)} lacks the azd-env-name tag.");
        }

        foreach (var stamp in snapshot.Stamps)
        {
            var taggedApi = stamp.Resources.Where(r =>
                r.TryGetProperty("tags", out var tags) && tags.TryGetProperty("azd-service-name", out var service) && service.GetString() == "api");
            Assert.Equal(DeploymentSnapshot.IdOf(stamp.Site), DeploymentSnapshot.IdOf(Assert.Single(taggedApi)));
        }
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Generated_names_are_valid_and_unique(string parameterFile)
    {
        var snapshot = infra[parameterFile];
        var storageName = new Regex("^[a-z0-9]{3,24}$", RegexOptions.CultureInvariant);
        var storageNames = snapshot.OfType("Microsoft.Storage/storageAccounts").Select(DeploymentSnapshot.NameOf).ToList();
        Assert.All(storageNames, name => Assert.Matches(storageName, name));

        foreach (var type in new[] { "Microsoft.Storage/storageAccounts", "Microsoft.ServiceBus/namespaces", "Microsoft.Web/sites", "Microsoft.Resources/resourceGroups" })
        {
            var names = snapshot.OfType(type).Select(DeploymentSnapshot.NameOf).ToList();
            Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        }
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Outputs_tell_azd_where_the_api_goes(string parameterFile)
    {
        var snapshot = infra[parameterFile];
        var first = snapshot.Stamps.Single(s => s.Region == snapshot.StampRegions[0]);
        var resourceGroup = first.ResourceGroupId[(first.ResourceGroupId.LastIndexOf('/') + 1)..];

        Assert.Equal(resourceGroup, snapshot.Outputs.GetProperty("AZURE_RESOURCE_GROUP").GetString());
        Assert.Equal(DeploymentSnapshot.NameOf(first.Site), snapshot.Outputs.GetProperty("AZURE_FUNCTION_APP_NAME").GetString());

        // The postdeploy hook publishes to every stamp listed here after the first.
        var apps = snapshot.Outputs.GetProperty("MIGRATEHUB_STAMP_APPS").GetString()!.Split(' ');
        Assert.Equal($"{resourceGroup}/{DeploymentSnapshot.NameOf(first.Site)}", apps[0]);
        Assert.Equal(
            snapshot.Stamps.Select(s => $"{s.ResourceGroupId[(s.ResourceGroupId.LastIndexOf('/') + 1)..]}/{DeploymentSnapshot.NameOf(s.Site)}").Order(),
            apps.Order());
    }

    [Fact]
    public void Azure_yaml_deploys_the_Functions_project_as_the_api_service_with_the_bicep_infra()
    {
        var lines = File.ReadAllLines(Repository.PathOf("azure.yaml"));
        var api = Block(lines, "services:", "api:");

        Assert.Equal("./src/Functions", api["project"]);
        Assert.Equal("dotnet", api["language"]);
        Assert.Equal("function", api["host"]);
        Assert.True(File.Exists(Repository.PathOf("src", "Functions", "MigrateHub.Functions.csproj")));

        var infraBlock = Block(lines, null, "infra:");
        Assert.Equal("bicep", infraBlock["provider"]);
        Assert.True(File.Exists(Repository.PathOf(infraBlock["path"], infraBlock["module"] + ".bicep")));
        Assert.True(File.Exists(Repository.PathOf(infraBlock["path"], infraBlock["module"] + ".bicepparam")));
    }

    [Fact]
    public void Every_parameter_file_under_infra_is_covered_by_these_tests()
    {
        var onDisk = Directory.EnumerateFiles(Repository.InfraDirectory, "*.bicepparam", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repository.InfraDirectory, f).Replace('\\', '/'))
            .Order();

        Assert.Equal(InfraSnapshots.ParameterFiles.Order(), onDisk);
    }

    /// <summary>key: value pairs directly under <paramref name="key"/> (optionally inside <paramref name="parent"/>).</summary>
    private static Dictionary<string, string> Block(string[] lines, string? parent, string key)
    {
        var start = parent is null ? 0 : Array.FindIndex(lines, l => l.TrimEnd() == parent);
        Assert.True(start >= 0, $"azure.yaml has no '{parent}'");
        var index = Array.FindIndex(lines, start, l => l.Trim() == key);
        Assert.True(index >= 0, $"azure.yaml has no '{key}'");
        var indent = lines[index].Length - lines[index].TrimStart().Length;

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(index + 1))
        {
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var lineIndent = line.Length - line.TrimStart().Length;
            if (lineIndent <= indent)
            {
                break;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (lineIndent == indent + 2 && colon > 0)
            {
                values[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return values;
    }
}
