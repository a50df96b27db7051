using System.Diagnostics;

namespace MigrateHub.Appliance.Tests;

/// <summary>The replicate and migrate commands as the CLI parses and runs them.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("appliance-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<int> RunAsync(CancellationToken cancellationToken, params string[] args) =>
        SimulatorCommand.Create().Parse(args).InvokeAsync(cancellationToken: cancellationToken);

    [Fact]
    public async Task Replicate_and_migrate_need_a_credential_and_an_empty_credential_file_is_none()
    {
        var empty = Path.Combine(_dir, "empty.key");
        await File.WriteAllTextAsync(empty, "\n");
        Assert.Equal(2, await RunAsync(CancellationToken.None, "replicate", "--project", "p"));
        Assert.Equal(2, await RunAsync(CancellationToken.None, "replicate", "--project", "p", "--credential-file", empty));
        Assert.Equal(2, await RunAsync(CancellationToken.None, "migrate", "--project", "p", "--resource-group", "rg", "--vnet-id", "/v"));
    }

    [Fact]
    public async Task Migrate_lists_ARM_resources_only_from_a_loopback_endpoint()
    {
        Assert.Equal(2, await RunAsync(CancellationToken.None, "migrate", "--project", "p", "--credential", "k", "--resource-group", "rg", "--vnet-id", "/v", "--arm", "https://management.azure.com"));
        Assert.Equal(2, await RunAsync(CancellationToken.None, "migrate", "--project", "p", "--credential", "k", "--resource-group", "rg", "--vnet-id", "/v", "--arm", "not a url"));
    }

    [Fact]
    public async Task Replicate_keeps_retrying_an_unreachable_hub_and_returns_0_when_stopped()
    {
        var key = Path.Combine(_dir, "sim.key");
        await File.WriteAllTextAsync(key, "secret\n");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, await RunAsync(stop.Token, "replicate", "--project", "p", "--credential-file", key, "--hub", "http://127.0.0.1:1/", "--poll-seconds", "0.2"));
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.5, 30);
    }
}
