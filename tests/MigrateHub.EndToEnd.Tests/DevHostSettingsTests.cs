using System.Reflection;
using System.Text.Json;
using MigrateHub.DevHost;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>The DevHost's durable worker runs with the deployed app's host.json settings.</summary>
public sealed class DevHostSettingsTests
{
    [Fact]
    public void The_DevHost_runs_as_many_activities_at_once_as_host_json_allows_the_deployed_app()
    {
        var root = typeof(DevHostSettingsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "host.json")));
        var durable = host.RootElement.GetProperty("extensions").GetProperty("durableTask");
        Assert.Equal(new DevHostOptions().MaxConcurrentActivities, durable.GetProperty("maxConcurrentActivityFunctions").GetInt32());
    }
}
