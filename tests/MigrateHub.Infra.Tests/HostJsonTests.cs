using System.Text.Json;
using System.Text.RegularExpressions;
using MigrateHub.Shared.Configuration;

namespace MigrateHub.Infra.Tests;

/// <summary>host.json's durable settings agree with the code and with what the template sets.</summary>
[Collection(InfraCollection.Name)]
public sealed partial class HostJsonTests(InfraSnapshots infra)
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    [Fact]
    public void Durable_hub_name_is_read_from_the_TaskHub_setting()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("host.json")), Lenient);

        Assert.Equal("2.0", host.RootElement.GetProperty("version").GetString());
        var durableTask = host.RootElement.GetProperty("extensions").GetProperty("durableTask");
        Assert.Equal($"%{SettingNames.TaskHub}%", durableTask.GetProperty("hubName").GetString());
    }

    [Fact]
    public void Durable_storage_connection_is_identity_based_on_every_stamp()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("host.json")), Lenient);
        var durableTask = host.RootElement.GetProperty("extensions").GetProperty("durableTask");
        var connection = "AzureWebJobsStorage";
        if (durableTask.TryGetProperty("storageProvider", out var provider))
        {
            foreach (var name in new[] { "connectionName", "connectionStringName" })
            {
                if (provider.TryGetProperty(name, out var value) && !string.IsNullOrEmpty(value.GetString()))
                {
                    connection = value.GetString()!;
                }
            }
        }

        foreach (var snapshot in infra.All)
        {
            foreach (var stamp in snapshot.Stamps)
            {
                Assert.Equal("managedidentity", stamp.AppSettings.GetValueOrDefault(connection + "__credential"));
                foreach (var service in new[] { "blob", "queue", "table" })
                {
                    Assert.True(
                        stamp.AppSettings.ContainsKey($"{connection}__{service}ServiceUri"),
                        $"{snapshot}, {stamp.Region}: the durable task hub (connection '{connection}') needs {connection}__{service}ServiceUri.");
                }
            }
        }
    }

    [Fact]
    public void Every_setting_host_json_refers_to_is_set_on_every_stamp()
    {
        var hostJson = File.ReadAllText(Repository.PathOf("host.json"));
        var references = SettingReference().Matches(hostJson).Select(m => m.Groups["name"].Value).Distinct().ToList();
        Assert.NotEmpty(references);

        foreach (var snapshot in infra.All)
        {
            foreach (var stamp in snapshot.Stamps)
            {
                foreach (var name in references)
                {
                    Assert.True(
                        stamp.AppSettings.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value),
                        $"{snapshot}, {stamp.Region}: host.json reads %{name}% but the stamp does not set it.");
                }
            }
        }
    }

    [GeneratedRegex("%(?<name>[A-Za-z0-9_]+)%", RegexOptions.CultureInvariant)]
    private static partial Regex SettingReference();
}
