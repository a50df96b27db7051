using System.Text.Json;

namespace MigrateHub.Infra.Tests;

/// <summary>
/// What `bicep snapshot` predicts a parameter file deploys: every resource with its expressions
/// evaluated as far as possible offline (values known only at deploy time stay as "[reference(...)]").
/// </summary>
public sealed class DeploymentSnapshot
{
    private const string AppSettingsSuffix = "/config/appsettings";

    public DeploymentSnapshot(string parameterFile, JsonElement snapshot, IReadOnlyList<string> stampRegions, string environmentName)
    {
        ParameterFile = parameterFile;
        StampRegions = stampRegions;
        EnvironmentName = environmentName;
        Resources = [.. snapshot.GetProperty("predictedResources").EnumerateArray().Select(r => r.Clone())];
        Diagnostics = [.. snapshot.GetProperty("diagnostics").EnumerateArray().Select(d => d.ToString())];
        Outputs = snapshot.GetProperty("outputs").Clone();

        Stamps = [.. OfType("Microsoft.Web/sites").Select(site => new Stamp(this, site))];
        var stampGroups = Stamps.Select(s => s.ResourceGroupId).ToHashSet(StringComparer.OrdinalIgnoreCase);
        DirectoryStorageAccounts = [.. OfType("Microsoft.Storage/storageAccounts").Where(r => !stampGroups.Contains(ResourceGroupOf(r)))];
    }

    /// <summary>Path of the parameter file, relative to infra/.</summary>
    public string ParameterFile { get; }

    /// <summary>The stampRegions parameter as the parameter file resolves it.</summary>
    public IReadOnlyList<string> StampRegions { get; }

    public string EnvironmentName { get; }

    public IReadOnlyList<JsonElement> Resources { get; }

    public IReadOnlyList<string> Diagnostics { get; }

    public JsonElement Outputs { get; }

    public IReadOnlyList<Stamp> Stamps { get; }

    public IReadOnlyList<JsonElement> DirectoryStorageAccounts { get; }

    public IEnumerable<JsonElement> OfType(string type) =>
        Resources.Where(r => string.Equals(r.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase));

    public override string ToString() => ParameterFile;

    public static string IdOf(JsonElement resource) => resource.GetProperty("id").GetString()!;

    public static string NameOf(JsonElement resource) => resource.GetProperty("name").GetString()!;

    /// <summary>"/subscriptions/.../resourceGroups/rg" of a resource (or of an expression naming one).</summary>
    public static string ResourceGroupOf(JsonElement resource)
    {
        var id = IdOf(resource);
        var providers = id.IndexOf("/providers/", StringComparison.OrdinalIgnoreCase);
        return providers < 0 ? id : id[..providers];
    }

    /// <summary>One regional stamp: a Function App and the resources in its resource group.</summary>
    public sealed class Stamp
    {
        internal Stamp(DeploymentSnapshot snapshot, JsonElement site)
        {
            Site = site;
            Region = site.GetProperty("location").GetString()!;
            ResourceGroupId = ResourceGroupOf(site);
            Resources = [.. snapshot.Resources.Where(r => IdOf(r).StartsWith(ResourceGroupId + "/", StringComparison.OrdinalIgnoreCase))];

            var settingsId = IdOf(site) + AppSettingsSuffix;
            var settings = Resources.Where(r => string.Equals(IdOf(r), settingsId, StringComparison.OrdinalIgnoreCase)).ToList();
            AppSettings = settings.Count == 1
                ? settings[0].GetProperty("properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal)
                : throw new InvalidOperationException($"Expected one appsettings resource for {IdOf(site)}, found {settings.Count}.");
        }

        public string Region { get; }

        public string ResourceGroupId { get; }

        public JsonElement Site { get; }

        public IReadOnlyList<JsonElement> Resources { get; }

        /// <summary>App settings exactly as deployed: key -> value or unresolved "[expression]".</summary>
        public IReadOnlyDictionary<string, string> AppSettings { get; }

        public IEnumerable<JsonElement> OfType(string type) =>
            Resources.Where(r => string.Equals(r.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase));

        public JsonElement Single(string type)
        {
            var matches = OfType(type).ToList();
            return matches.Count == 1
                ? matches[0]
                : throw new InvalidOperationException($"Expected one {type} in {ResourceGroupId}, found {matches.Count}.");
        }

        public override string ToString() => Region;
    }
}
